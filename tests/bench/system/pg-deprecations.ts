import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * pg 9 readiness (issue 18 item 7): node-postgres warns when a query is queued on a client that is
 * still executing one (pg 9 will refuse it). Node prints a deprecation once per process, so a count
 * is of processes that did it at least once.
 */
export const PG_QUEUED_QUERY = 'client.query() when the client is already executing a query';

export const countQueuedQueryWarnings = (text: string): number => text.split(PG_QUEUED_QUERY).length - 1;

/** Per service, the warnings in its log (stack.ts sends each service's stdout and stderr there). */
export const queuedQueryWarningsInLogs = (logsDir: string, services: readonly string[]): Record<string, number> =>
  Object.fromEntries(
    services.map((n) => {
      const file = path.join(logsDir, `${n}.log`);
      return [n, existsSync(file) ? countQueuedQueryWarnings(readFileSync(file, 'utf8')) : 0];
    }),
  );

/** Counts the warning in this process (the services the command trace starts in process). */
export const watchQueuedQueryWarnings = (): { count: () => number } => {
  let n = 0;
  process.on('warning', (w) => {
    if (w.message.includes(PG_QUEUED_QUERY)) n++;
  });
  return { count: () => n };
};
