import type { PoolClient } from 'pg';

/**
 * The same client, its queries sent one after another by us rather than queued inside node-postgres
 * (pg 9 refuses a query on a busy client). A caller may still issue the next statement before the
 * previous one has answered (a rebuild reads the next page while it folds this one, builds the next
 * chunk while the last is written): the work in Node overlaps the work in Postgres exactly as before,
 * since node-postgres never had two statements on the wire at once either.
 */
export const serialClient = (client: PoolClient): PoolClient => {
  let last: Promise<unknown> = Promise.resolve();
  const query = (...args: unknown[]): Promise<unknown> => {
    const run = last.then(
      () => (client.query as (...a: unknown[]) => Promise<unknown>)(...args),
      () => (client.query as (...a: unknown[]) => Promise<unknown>)(...args),
    );
    last = run.catch(() => undefined);
    return run;
  };
  return new Proxy(client, {
    get: (target, prop) => {
      if (prop === 'query') return query;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
};

/** A connection in node-postgres' pipeline mode (Client option `pipeline`): statements are sent without waiting for the previous answer, answered in order. */
export const isPipelined = (client: PoolClient): boolean => (client as { pipeline?: boolean }).pipeline === true;
