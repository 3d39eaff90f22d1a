import type { ClientBase, Pool, PoolClient } from 'pg';

/**
 * A deadline as an aggregate states it (`deadlines(state)`, conventions.md) and as views show it
 * (API.md). `dueAt` is kept exactly as the aggregate wrote it, because the FireDeadline command
 * carries it back and the decider compares it with its own state.
 */
export interface Deadline {
  kind: string;
  dueAt: string;
  actor: string;
  onExpiry: string;
}

/** Anything that runs a query: a pool, a checked-out client, or a caller's transaction. */
export type Queryable = Pool | ClientBase;

/**
 * The part of the event store's AppendHook a deadline sync needs. Declared here so @bp/timers does
 * not depend on the command handler; any `AppendHook<S>` whose ctx has these fields accepts it.
 */
export type DeadlineHook<S> = ((tx: PoolClient, ctx: { streamId: string; state: S }) => Promise<void>) & { sendsAtOnce?: boolean };

/** One claimed deadline, handed to the scheduler's `fire` callback. */
export interface DueDeadline {
  streamId: string;
  kind: string;
  /** The aggregate's own dueAt string (from the payload), to put on FireDeadline. */
  dueAt: string;
  payload: Deadline;
  /** Failed firings so far (0 on the first try). */
  attempts: number;
  /** The scheduler clock's reading for this batch, ISO: the `meta.now` of the fired command. */
  now: string;
}

/**
 * pending: waiting for dueAt; retrying: failed before, waiting for its backoff; parked: failed
 * maxAttempts times, left for an operator; fired: fired while the aggregate still lists it with
 * the same dueAt (kept so a later sync does not bring it back).
 */
export type DeadlineStatus = 'pending' | 'retrying' | 'parked' | 'fired';

/** A row of the deadline table, for views and `ops timers`. */
export interface DeadlineRow {
  streamId: string;
  kind: string;
  dueAt: string;
  payload: Deadline;
  status: DeadlineStatus;
  /** When the scheduler tries it next (null when fired or parked). */
  nextAttemptAt: string | null;
  attempts: number;
  lastError: string | null;
  firedAt: string | null;
}
