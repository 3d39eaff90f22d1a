import { createHash } from 'node:crypto';

/**
 * Ids derived from what caused them, so a redelivered event (or a replayed fire) lands on the same
 * stream and the decider answers "already done" instead of notifying twice. UUID-shaped for APIs.
 */
export const derivedId = (...parts: string[]): string => {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
};

export const noticeIdOf = (sourceEventId: string, kind: string, recipientId: string): string => derivedId('notice', sourceEventId, kind, recipientId);
export const deliveryIdOf = (eventId: string, subscriptionId: string): string => derivedId('delivery', eventId, subscriptionId);
