import type { MessageHeaders, OutgoingMessage, WireMessage } from './port';

/** Headers a dead letter carries on top of the original ones: why, and where it came from. */
export const DltHeaders = {
  error: 'dlt_error',
  originalTopic: 'dlt_original_topic',
  originalPartition: 'dlt_original_partition',
  originalOffset: 'dlt_original_offset',
  attempts: 'dlt_attempts',
} as const;

/** Keeps a pathological error (a whole SQL statement, a huge zod report) from bloating the DLT. */
const MAX_ERROR_LENGTH = 2000;

export const describeError = (e: unknown): string => {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
};

export interface DeadLetterInput {
  topic: string;
  partition: number;
  message: Pick<WireMessage, 'key' | 'value' | 'headers' | 'offset'>;
  error: unknown;
  /** Processing attempts made (0 when the message could not even be parsed). */
  attempts: number;
}

/**
 * The original key, value and headers, unchanged (an operator can replay it as is), plus the
 * dlt_* headers. Same key: the DLT keeps the per-order order of the dead letters too.
 */
export const deadLetterMessage = ({ topic, partition, message, error, attempts }: DeadLetterInput): OutgoingMessage => {
  const headers: MessageHeaders = { ...(message.headers ?? {}) };
  for (const name of Object.values(DltHeaders)) delete headers[name];
  headers[DltHeaders.error] = describeError(error);
  headers[DltHeaders.originalTopic] = topic;
  headers[DltHeaders.originalPartition] = String(partition);
  headers[DltHeaders.originalOffset] = message.offset;
  headers[DltHeaders.attempts] = String(attempts);
  return { key: message.key, value: message.value, headers };
};

/** A dead letter's headers as they were before it died (every dlt_* one dropped): what a redrive sends. */
export const originalHeaders = (headers: MessageHeaders = {}): MessageHeaders =>
  Object.fromEntries(Object.entries(headers).filter(([name, v]) => !name.startsWith('dlt_') && v !== undefined));
