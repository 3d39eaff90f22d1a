import type { EventEnvelope } from '@bp/contracts';
import type { PoolClient } from 'pg';
import type { AppendMetadata } from './append';
import type { Decider, DomainEvent } from './decider';
import { StaleTransactionError, VersionConflictError, isDeadlock, isVersionConflict } from './errors';
import { joinableRequestTransaction } from './request-transaction';
import { isPipelined } from './serial-client';
import type { EventStore } from './store';

export type AppendHook<S> = ((
  tx: PoolClient,
  ctx: { streamId: string; state: S; events: EventEnvelope[]; version: number; previousState: S },
) => Promise<void>) & {
  /**
   * The hook sends every statement it will send before it returns (one statement, built without
   * awaiting anything): on a pipelined connection it is not awaited before the next hook, so its
   * statement shares a round trip with what follows (issue 18 item 2). Order is kept: statements go
   * out in the order the hooks are called, so a later hook's savepoint cannot undo it.
   */
  sendsAtOnce?: boolean;
};

export interface CommandResult<S> {
  streamId: string;
  /** The events appended by this command ([] when the decider had nothing to do). */
  events: EventEnvelope[];
  state: S;
  version: number;
}

export interface CommandOptions {
  metadata: AppendMetadata;
  /** Join the caller's transaction (timer scheduler, consumers): one savepoint per attempt. */
  tx?: PoolClient;
  /** If-Match: a mismatch is a VersionConflictError, never retried. */
  expectedVersion?: number;
  /**
   * The caller has just named the stream (a fresh UUID): nothing can be in it, so the first attempt
   * does not read it (the initial state at version 0). Should it hold events after all, the append
   * conflicts and the retry reads it.
   */
  newStream?: boolean;
  /**
   * The caller has just folded this stream itself (loadAggregate, in this transaction): the first
   * attempt decides on it instead of reading it again. Should the stream have moved on meanwhile,
   * the append conflicts and the retry reads it.
   */
  loaded?: { state: unknown; version: number };
}

const toDomainEvent = (e: EventEnvelope): DomainEvent => ({ type: e.type, data: e.data });

/** The stream folded through `evolve` (read inside `tx` when given). */
export const loadAggregate = async <C, E extends DomainEvent, S>(
  store: EventStore,
  decider: Decider<C, E, S>,
  streamId: string,
  tx?: PoolClient,
): Promise<{ state: S; version: number }> => {
  const envelopes = await store.readStream(streamId, tx ? { tx } : {});
  let state = decider.initialState;
  for (const e of envelopes) state = decider.evolve(state, toDomainEvent(e) as E);
  return { state, version: envelopes[envelopes.length - 1]?.streamVersion ?? 0 };
};

/**
 * Serializes writers of one stream for the rest of the transaction. Taken only on a retry: the
 * first attempt is optimistic (no extra round trip), and once a stream is contended the retriers
 * queue on this lock instead of conflicting with each other again and again.
 */
const lockStream = (tx: PoolClient, schema: string, streamId: string) =>
  tx.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [`${schema}.stream`, streamId]);

let savepoints = 0;

/**
 * load → decide → append → hooks, in ONE transaction (the caller's when `tx` is given). A refusal
 * (DomainError) or a throwing hook propagates with nothing written; a version conflict is retried
 * from a fresh read up to `maxRetries` times.
 */
export const commandHandler =
  <C, E extends DomainEvent, S>(o: {
    store: EventStore;
    decider: Decider<C, E, S>;
    streamId: (cmd: C) => string;
    hooks?: AppendHook<S>[];
    maxRetries?: number;
  }) =>
  async (command: C, opts: CommandOptions): Promise<CommandResult<S>> => {
    const { store, decider } = o;
    const hooks = o.hooks ?? [];
    const maxRetries = o.maxRetries ?? 3;
    const streamId = o.streamId(command);

    /**
     * `tx` undefined: no transaction at all (see `alone`): the read goes to the pool and the append
     * is its own one-statement transaction. `beforeWrite`: called right before the first write (the
     * append), see inSavepoint.
     */
    const attempt = async (tx: PoolClient | undefined, n: number, beforeWrite?: () => Promise<void>): Promise<CommandResult<S>> => {
      if (n > 0 && tx) await lockStream(tx, store.schema, streamId);
      const first =
        n === 0 ? (opts.newStream ? { state: decider.initialState, version: 0 } : (opts.loaded as { state: S; version: number } | undefined)) : undefined;
      const { state, version } = first ?? (await loadAggregate(store, decider, streamId, tx));
      // The decider speaks first: it refuses callers who are not party to the stream (404), and
      // comparing If-Match before it would tell a stranger that the resource exists.
      const decided = decider.decide(command, state);
      if (opts.expectedVersion !== undefined && opts.expectedVersion !== version) {
        throw new VersionConflictError(streamId, opts.expectedVersion, version);
      }
      if (decided.length === 0) return { streamId, events: [], state, version };
      await beforeWrite?.();
      // On a pipelined connection the append is not awaited before the hooks: their first statement
      // goes out behind it, in the same round trip. Should it not be stored (a conflict), what they
      // wrote is undone with it: the caller rolls back (the transaction, or this command's savepoint).
      const { events, written } =
        tx && isPipelined(tx)
          ? store.startAppend(tx, streamId, version, decided, opts.metadata)
          : { events: await store.appendToStream(tx ?? store.pool, streamId, version, decided, opts.metadata), written: undefined };
      written?.catch(() => undefined); // awaited below, after the hooks
      // Fold what was stored (validated by the registry), exactly as a later replay will.
      let next = state;
      for (const e of events) next = decider.evolve(next, toDomainEvent(e) as E);
      const newVersion = version + events.length;
      const sent: Promise<void>[] = [];
      // A failed append explains a hook's failure (an aborted transaction), and an earlier hook's
      // failure a later one's: the first failure in statement order wins.
      const settle = async () => {
        await written;
        for (const p of sent) await p;
      };
      try {
        for (const hook of hooks) {
          // Never without a transaction: `alone` is only taken by a handler without hooks.
          const done = hook(tx!, { streamId, state: next, events, version: newVersion, previousState: state });
          if (hook.sendsAtOnce && written) {
            done.catch(() => undefined); // awaited in settle()
            sent.push(done);
          } else await done;
        }
      } catch (e) {
        await settle();
        throw e;
      }
      await settle();
      return { streamId, events, state: next, version: newVersion };
    };

    /**
     * In the caller's transaction, an attempt's writes are undone on failure by rolling back to a
     * savepoint, so the caller can go on (a refusal it tolerates, a retry here). The savepoint is
     * taken only right before the first write: reading and deciding write nothing, so a refusal or
     * a no-op command costs no savepoint round trip at all. On success it is left in place rather
     * than released: its writes belong to the caller's transaction either way, COMMIT ends it with
     * the rest, and a RELEASE would be one more round trip per command.
     */
    const inSavepoint = async (tx: PoolClient, n: number): Promise<CommandResult<S>> => {
      const sp = `bp_cmd_${++savepoints}`;
      let taken = false;
      const take = async () => {
        const saved = tx.query(`SAVEPOINT ${sp}`);
        taken = true;
        // Pipelined: the append goes out behind it in the same round trip; a failed SAVEPOINT fails
        // the append with it, which then rolls back to the savepoint (or, without one, aborts the transaction).
        if (!isPipelined(tx)) await saved;
        else saved.catch(() => undefined);
      };
      // A retry (rare) takes it first thing, before its stream lock, as every attempt used to.
      if (n > 0) await take();
      try {
        return await attempt(tx, n, taken ? undefined : take);
      } catch (e) {
        if (taken) {
          await tx.query(`ROLLBACK TO SAVEPOINT ${sp}`);
          await tx.query(`RELEASE SAVEPOINT ${sp}`);
        }
        throw e;
      }
    };

    /**
     * A first attempt with nothing to write beside the events (no hooks) and no transaction to join
     * needs none of its own: the append's version guard is what decides, and a read inside a
     * transaction (READ COMMITTED) sees no more than the same read on the pool. So the read goes to
     * the pool and the append is a one-statement transaction: two round trips, not BEGIN, read,
     * append, COMMIT (issue 18 item 3). A retry takes the transaction and its stream lock as before.
     */
    const alone = (n: number) => n === 0 && !opts.tx && hooks.length === 0 && !joinableRequestTransaction(store.pool);

    for (let n = 0; ; n++) {
      try {
        if (alone(n)) return await attempt(undefined, n);
        return opts.tx ? await inSavepoint(opts.tx, n) : await store.withTransaction((tx) => attempt(tx, n));
      } catch (e) {
        // A deadlock with a timer firing on the same stream (its claim holds the deadline row):
        // Postgres chose us as the victim; in our own transaction, run it again.
        if (isDeadlock(e) && !opts.tx && n < maxRetries) continue;
        if (!isVersionConflict(e) || opts.expectedVersion !== undefined || n >= maxRetries) throw e;
        // Inside the caller's transaction a stale transaction id stays stale: only the caller can retry.
        if (opts.tx && e instanceof StaleTransactionError) throw e;
      }
    }
  };
