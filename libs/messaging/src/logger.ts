/**
 * The logger methods messaging uses. A pino logger fits; so does anything shaped like it, which
 * keeps tests free to pass `pino({ level: 'silent' })` and the library free of a pino instance.
 */
export interface MessagingLogger {
  /** pino's level name, when known: lets the Kafka client skip formatting logs nobody will read. */
  level?: string;
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
