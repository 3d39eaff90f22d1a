/** Every Kafka topic name lives here and nowhere else. */
export const Topics = {
  orders: 'orders.v1',
  escrow: 'escrow.v1',
  disputes: 'disputes.v1',
  notifications: 'notifications.v1',
  buyers: 'buyers.v1',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

/** One dead-letter topic per consumer group. */
export const deadLetterTopic = (consumerGroup: string): string => `${consumerGroup}.dlt`;

/** Consumer group ids, one per service. */
export const ConsumerGroups = {
  order: 'order-service',
  escrow: 'escrow-service',
  dispute: 'dispute-service',
  notification: 'notification-service',
} as const;
