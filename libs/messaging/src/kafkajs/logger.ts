import { type LogEntry, logLevel } from 'kafkajs';
import type { MessagingLogger } from '../logger';

/** The most verbose kafkajs level worth producing for this logger (pino filters again). */
export const kafkaLogLevelFor = (logger: MessagingLogger): logLevel => {
  switch (logger.level) {
    case 'silent':
      return logLevel.NOTHING;
    case 'fatal':
    case 'error':
      return logLevel.ERROR;
    case 'warn':
      return logLevel.WARN;
    case 'debug':
    case 'trace':
      return logLevel.DEBUG;
    default:
      return logLevel.INFO;
  }
};

/**
 * kafkajs debug entries carry raw protocol Buffers (e.g. a SyncGroup assignment). pino's redaction
 * walks objects and throws on typed arrays, which breaks kafkajs mid-request; binary is useless in a
 * log line anyway, so it is replaced by its size.
 */
const withoutBinary = (value: unknown, depth = 0): unknown => {
  if (ArrayBuffer.isView(value)) return `<${value.byteLength} bytes>`;
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => withoutBinary(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutBinary(v, depth + 1)]));
};

/** kafkajs `logCreator` that routes its logs into our logger, tagged with the kafkajs namespace. */
export const kafkaLogCreator =
  (logger: MessagingLogger) =>
  () =>
  ({ namespace, level, log }: LogEntry): void => {
    // kafkajs puts its own timestamp and message in `log`; pino adds both itself.
    const { message, timestamp: _ts, ...extra } = log;
    const obj = { kafka: namespace, ...(withoutBinary(extra) as Record<string, unknown>) };
    if (level === logLevel.ERROR) logger.error(obj, message);
    else if (level === logLevel.WARN) logger.warn(obj, message);
    else if (level === logLevel.INFO) logger.info(obj, message);
    else logger.debug(obj, message);
  };
