/** The subset of pino's API the broker logs through (pass a pino logger, or nothing). */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LEVELS)[number];

/** JSON lines on stderr, for the CLI and for start() without a logger. */
export const consoleLogger = (minLevel: LogLevel = 'info'): Logger => {
  const min = LEVELS.indexOf(minLevel);
  const at =
    (level: LogLevel) =>
    (obj: object, msg?: string): void => {
      if (LEVELS.indexOf(level) < min) return;
      process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), ...obj, msg })}\n`);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
};
