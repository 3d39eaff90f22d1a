import type { EventEnvelope, EventRegistry } from '@bp/contracts';
import type { Pool, PoolClient, QueryResult } from 'pg';
import { type AppendMetadata, type AppendNotify, type StartedAppend, appendEvents, startAppend } from './append';
import type { DomainEvent } from './decider';
import { type EventRow, type LogPosition, type StoredEvent, rowToEnvelope } from './envelope';
import { isDeadlock, isVersionConflict } from './errors';
import { eventstoreMigrations, runMigrations } from './migrations';
import { type ReadAllOptions, type ReadAllResult, readAllEvents } from './read-all';
import { EVENT_COLUMNS, ident, statementName } from './sql';
import { type PrefetchRead, joinableRequestTransaction, takePrefetched } from './request-transaction';

export type { AppendMetadata, AppendNotify, StartedAppend } from './append';
export { START, type LogPosition, type StoredEvent } from './envelope';
export type { ReadAllOptions, ReadAllResult } from './read-all';

export interface EventStoreOptions {
  pool: Pool;
  /** One Postgres schema per service. */
  schema: string;
  /** When given: data of registered types is validated on append and upcast + validated on read. */
  registry?: EventRegistry;
  /**
   * NOTIFY on append (delivered at COMMIT): wakes the outbox relay LISTENing on the channel as soon
   * as a publishable event commits, instead of at its next poll.
   */
  notify?: AppendNotify;
}

export interface EventStore {
  readonly schema: string;
  readonly pool: Pool;
  readonly registry: EventRegistry | undefined;
  /** The NOTIFY its appends send (see EventStoreOptions.notify). */
  readonly notify?: AppendNotify;
  /** Idempotent; concurrent callers serialize on an advisory lock. */
  migrate(): Promise<void>;
  /**
   * Appends at expectedVersion + 1 … (0 = new stream). Throws VersionConflictError. `tx` may also be
   * the Pool: the append is then its own one-statement transaction.
   */
  appendToStream(
    tx: PoolClient | Pool,
    streamId: string,
    expectedVersion: number,
    events: readonly DomainEvent[],
    meta: AppendMetadata,
  ): Promise<EventEnvelope[]>;
  /** appendToStream, answered later: the append is sent and its events returned at once (see startAppend). */
  startAppend(tx: PoolClient, streamId: string, expectedVersion: number, events: readonly DomainEvent[], meta: AppendMetadata): StartedAppend;
  /** In a request's transaction, a read of the whole stream prefetched with its opening (streamRead) answers at once. */
  readStream(streamId: string, opts?: { tx?: PoolClient; fromVersion?: number }): Promise<EventEnvelope[]>;
  /** The read of the whole stream that readStream makes, to send with a request's opening (see PrefetchRead). */
  streamRead(streamId: string): PrefetchRead;
  /** Gap-safe, in (transaction id, position) order; resume from the returned position. */
  readAll(opts: ReadAllOptions & { tx?: PoolClient }): Promise<ReadAllResult>;
  withTransaction<T>(fn: (tx: PoolClient) => Promise<T>): Promise<T>;
}

/**
 * `fn` in one transaction, committed when it returns, rolled back when it throws. Inside a request
 * that holds a transaction (see RequestTransaction) it joins that one instead: rolled back alone
 * when it throws, committed with the request's answer.
 */
export const withTransaction = async <T>(pool: Pool, fn: (tx: PoolClient) => Promise<T>): Promise<T> => {
  const request = joinableRequestTransaction(pool);
  if (request) return request.join(fn);
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    // A failed ROLLBACK means the connection is unusable: destroy it instead of pooling it.
    await client.query('ROLLBACK').catch((err: Error) => (broken = err));
    throw e;
  } finally {
    client.release(broken);
  }
};

/**
 * withTransaction, run again in a NEW transaction when it lost a race on a stream (a version
 * conflict, or StaleTransactionError: its id is older than an append that committed meanwhile) or
 * was chosen as a deadlock victim. For work that joins several command handlers in one transaction
 * (a dispute command and the order-facts saga it drives): a handler cannot retry inside a caller's
 * transaction, whose id stays stale. `fn` must be safe to re-run: it only reads and writes inside
 * the transaction. An If-Match mismatch fails the same way each time and is thrown after the retries.
 */
export const withRetriedTransaction = async <T>(pool: Pool, fn: (tx: PoolClient) => Promise<T>, maxRetries = 3): Promise<T> => {
  for (let n = 0; ; n++) {
    try {
      return await withTransaction(pool, fn);
    } catch (e) {
      if (n >= maxRetries || !(isVersionConflict(e) || isDeadlock(e))) throw e;
    }
  }
};

export const createEventStore = (o: EventStoreOptions): EventStore => {
  const s = ident(o.schema);
  const readStreamSql = `SELECT ${EVENT_COLUMNS} FROM ${s}.events WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version`;
  // Every command reads its stream: prepared once per connection (see statementName).
  const readStreamName = statementName(readStreamSql);
  const streamReadKey = (streamId: string) => `${o.schema}.stream ${streamId}`;

  return {
    schema: o.schema,
    pool: o.pool,
    registry: o.registry,
    ...(o.notify ? { notify: o.notify } : {}),

    migrate: async () => void (await runMigrations(o.pool, o.schema, 'eventstore', eventstoreMigrations)),

    appendToStream: (tx, streamId, expectedVersion, events, meta) => appendEvents(tx, o.schema, o.registry, streamId, expectedVersion, events, meta, o.notify),

    startAppend: (tx, streamId, expectedVersion, events, meta) => startAppend(tx, o.schema, o.registry, streamId, expectedVersion, events, meta, o.notify),

    readStream: async (streamId, opts = {}) => {
      const fromVersion = opts.fromVersion ?? 1;
      const prefetched = opts.tx && fromVersion === 1 ? takePrefetched(opts.tx, streamReadKey(streamId)) : undefined;
      const { rows } = (await (prefetched ??
        (opts.tx ?? o.pool).query<EventRow>({ name: readStreamName, text: readStreamSql, values: [streamId, fromVersion] }))) as QueryResult<EventRow>;
      return rows.map((r) => rowToEnvelope(r, o.registry));
    },

    streamRead: (streamId) => ({ key: streamReadKey(streamId), query: { name: readStreamName, text: readStreamSql, values: [streamId, 1] } }),

    readAll: (opts) => readAllEvents(opts.tx ?? o.pool, o.schema, o.registry, opts),

    withTransaction: (fn) => withTransaction(o.pool, fn),
  };
};
