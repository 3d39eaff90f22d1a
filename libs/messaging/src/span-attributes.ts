/**
 * OpenTelemetry messaging conventions. They are still incubating in
 * @opentelemetry/semantic-conventions, whose README advises copying such names rather than
 * importing its unstable entry point, so they are spelled here.
 */
export const MessagingAttributes = {
  system: 'messaging.system',
  destination: 'messaging.destination.name',
  partition: 'messaging.destination.partition.id',
  operationName: 'messaging.operation.name',
  operationType: 'messaging.operation.type',
  messageId: 'messaging.message.id',
  consumerGroup: 'messaging.consumer.group.name',
  kafkaOffset: 'messaging.kafka.offset',
} as const;

/** Ours: the CloudEvents type and what the consumer runner did with the message. */
export const EventAttributes = {
  ceType: 'cloudevents.event_type',
  outcome: 'bp.message.outcome',
} as const;
