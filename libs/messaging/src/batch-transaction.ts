import { forgetInbox, isPipelined, recordInboxMany } from '@bp/eventstore';
import type { Pool, PoolClient } from 'pg';
import type { IncomingEvent } from './cloudevents';
import { describeError } from './dead-letter';

export interface BatchOptions {
  /**
   * No further entry is started once the transaction has run this long: row locks and the relay's
   * horizon wait on an open transaction. The inbox rows of the entries left out are taken back.
   */
  budgetMs?: number;
  /** Wraps each handler call (the message's process span). */
  around?: (index: number, fresh: boolean, run: () => Promise<void>) => Promise<void>;
}

/** Applies one consumed event inside the transaction that also records it in the inbox. */
export type EventHandler<T = any> = (tx: PoolClient, event: IncomingEvent<T>) => Promise<void>;

/** One consumed event of a batch: its handler runs only when the inbox has not seen it. */
export interface BatchEntry {
  event: IncomingEvent;
  handler: EventHandler;
}

export type BatchResult =
  /**
   * Committed: per entry applied, true = its handler ran, false = a duplicate the inbox already
   * held. Fewer than the entries given when the time budget ran out: the rest were not applied.
   */
  | { kind: 'committed'; fresh: boolean[] }
  /** Nothing committed: the handler of entry `at` threw (-1: the batch itself failed, e.g. its inbox statement or COMMIT). */
  | { kind: 'failed'; at: number; error: unknown };

/** The database could not even be reached: not the message's fault, so never dead-letter for it. */
export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`database unavailable: ${describeError(cause)}`, { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

/**
 * Applies consumed events in ONE transaction: BEGIN, every inbox row in one statement, each new
 * event's handler in offset order, COMMIT (issue 18 item 4: the downstream cost per event was a
 * connection checkout and three round trips of its own). All or nothing: when a handler throws,
 * the whole batch is rolled back and the caller decides (apply the entries before it again, then
 * the failing one alone with its retries and dead letter).
 */
export const applyInOneTransaction = async (pool: Pool, schema: string, entries: readonly BatchEntry[], o: BatchOptions = {}): Promise<BatchResult> => {
  const started = Date.now();
  const around = o.around ?? ((_i, _f, run) => run());
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (e) {
    throw new DatabaseUnavailableError(e);
  }
  let broken: Error | undefined;
  let at = -1;
  try {
    const inbox = entries.map((e) => ({ eventId: e.event.id, source: e.event.topic }));
    let fresh: boolean[];
    if (isPipelined(client)) {
      // BEGIN and the inbox statement share one round trip.
      const begun = client.query('BEGIN');
      const recorded = recordInboxMany(client, schema, inbox);
      [, fresh] = await Promise.all([begun, recorded]);
    } else {
      await client.query('BEGIN');
      fresh = await recordInboxMany(client, schema, inbox);
    }
    let applied = entries.length;
    for (const [i, entry] of entries.entries()) {
      if (i > 0 && o.budgetMs !== undefined && Date.now() - started >= o.budgetMs) {
        applied = i;
        break;
      }
      at = i;
      await around(i, fresh[i]!, () => (fresh[i] ? entry.handler(client, entry.event) : Promise.resolve()));
    }
    at = -1;
    const takenBack = entries.slice(applied).flatMap((e, j) => (fresh[applied + j] ? [e.event.id] : []));
    const forgotten = takenBack.length > 0 ? forgetInbox(client, schema, takenBack) : undefined;
    if (forgotten && !isPipelined(client)) await forgotten;
    const [, done] = await Promise.all([forgotten, client.query('COMMIT')]);
    // PostgreSQL answers COMMIT of a transaction an earlier statement aborted with ROLLBACK, not an error.
    if (done.command !== 'COMMIT') throw new Error(`COMMIT answered ${done.command}: the transaction had been aborted`);
    return { kind: 'committed', fresh: fresh.slice(0, applied) };
  } catch (error) {
    // A connection that cannot even roll back is dropped, not returned to the pool.
    await client.query('ROLLBACK').catch((err: Error) => (broken = err));
    return { kind: 'failed', at, error };
  } finally {
    client.release(broken);
  }
};
