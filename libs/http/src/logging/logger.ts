import { traceLogFields } from '@bp/tracing';
import pino from 'pino';
import { REDACT_PATHS } from './redaction';

export interface LoggerOptions {
  name: string;
  level?: pino.LevelWithSilent;
  /** Where JSON lines go (default stdout); tests pass a capturing stream. */
  stream?: pino.DestinationStream;
}

/** JSON logs with personal data and secrets censored by path, and the active trace's ids. */
export const createLogger = (o: LoggerOptions): pino.Logger =>
  pino(
    {
      name: o.name,
      level: o.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // trace_id / span_id of the active span, when tracing is on: logs and traces join.
      mixin: traceLogFields,
    },
    o.stream,
  );
