// Stream ids of the service's aggregates. The prefix tells the scheduler which aggregate a due
// deadline belongs to (reminders, notices' e-mail step, webhook deliveries).
export const Streams = {
  facts: (orderId: string) => `facts-${orderId}`,
  reminders: (orderId: string) => `reminders-${orderId}`,
  notice: (noticeId: string) => `notice-${noticeId}`,
  recipient: (userId: string) => `recipient-${userId}`,
  subscription: (subscriptionId: string) => `webhook-${subscriptionId}`,
  delivery: (deliveryId: string) => `delivery-${deliveryId}`,
} as const;

export type StreamKind = keyof typeof Streams;

/** The aggregate and its id for a stream id, or null for a stream this service does not own. */
export const parseStream = (streamId: string): { kind: StreamKind; id: string } | null => {
  const prefixes: [StreamKind, string][] = [
    ['reminders', 'reminders-'],
    ['notice', 'notice-'],
    ['delivery', 'delivery-'],
    ['facts', 'facts-'],
    ['recipient', 'recipient-'],
    ['subscription', 'webhook-'],
  ];
  const hit = prefixes.find(([, p]) => streamId.startsWith(p));
  return hit ? { kind: hit[0], id: streamId.slice(hit[1].length) } : null;
};
