/**
 * Kafka records as our code sees them, whatever client library carries them. Header values are
 * bytes on the wire: what we send may be text, what we receive is a Buffer (a repeated header name
 * arrives as a list).
 */
export type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;
export type MessageHeaders = Record<string, HeaderValue>;

/** A record to send. No partition: the key decides it (see KafkaClient.producer). */
export interface OutgoingMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: MessageHeaders;
  /** Only for records that must land beside another one (redrive's marker next to its letter). */
  partition?: number;
}

/** A record as consumed: bytes as they sit in the log, at their offset. */
export interface WireMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers?: MessageHeaders;
  /** Produce (or log-append) time in epoch milliseconds, as text like every Kafka position. */
  timestamp: string;
  /** Decimal text: offsets exceed 2^53 in principle. */
  offset: string;
}

export interface TopicMessages {
  topic: string;
  messages: OutgoingMessage[];
}
