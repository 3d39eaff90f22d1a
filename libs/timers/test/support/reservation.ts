import type { Pool, PoolClient } from 'pg';
import { addMs, deadlineSync, migrateDeadlines, type Deadline, type DueDeadline } from '../../src';

/**
 * A tiny event-sourced aggregate to exercise deadlines the way services use them: a hold on stock
 * expires at `holdUntil` (unless extended or released), and an expired hold is purged a minute later.
 * The mini command handler below does what @bp/eventstore's will: load, decide, append, then the
 * deadline hook, all in the caller's transaction.
 */
export type State = { status: 'none' } | { status: 'held'; holdUntil: string } | { status: 'expired'; purgeAt: string } | { status: 'released' | 'purged' };

export type Event =
  | { type: 'Held'; data: { until: string } }
  | { type: 'Extended'; data: { until: string } }
  | { type: 'Released'; data: Record<string, never> }
  | { type: 'HoldExpired'; data: { at: string } }
  | { type: 'Purged'; data: Record<string, never> };

export type Command =
  | { type: 'Hold'; data: { until: string } }
  | { type: 'Extend'; data: { until: string } }
  | { type: 'Release'; data: Record<string, never> }
  | { type: 'FireDeadline'; data: { kind: string; dueAt: string }; meta: { now: string } };

export const PURGE_AFTER_MS = 60_000;

export const evolve = (s: State, e: Event): State => {
  switch (e.type) {
    case 'Held':
    case 'Extended':
      return { status: 'held', holdUntil: e.data.until };
    case 'Released':
      return { status: 'released' };
    case 'HoldExpired':
      return { status: 'expired', purgeAt: addMs(e.data.at, PURGE_AFTER_MS) };
    case 'Purged':
      return { status: 'purged' };
  }
};

export const deadlines = (s: State): Deadline[] => {
  if (s.status === 'held') return [{ kind: 'hold-expiry', dueAt: s.holdUntil, actor: 'system', onExpiry: 'HoldExpired' }];
  if (s.status === 'expired') return [{ kind: 'purge', dueAt: s.purgeAt, actor: 'system', onExpiry: 'Purged' }];
  return [];
};

export const decide = (c: Command, s: State): Event[] => {
  switch (c.type) {
    case 'Hold':
      return s.status === 'none' ? [{ type: 'Held', data: c.data }] : [];
    case 'Extend':
      return s.status === 'held' ? [{ type: 'Extended', data: c.data }] : [];
    case 'Release':
      return s.status === 'held' ? [{ type: 'Released', data: {} }] : [];
    case 'FireDeadline': {
      // The timer is a reminder, not a decision: re-check the rule against the current state, and
      // do nothing when the deadline is stale (rescheduled, or the hold was released meanwhile).
      const current = deadlines(s).find((d) => d.kind === c.data.kind);
      if (!current || current.dueAt !== c.data.dueAt || Date.parse(c.meta.now) < Date.parse(current.dueAt)) return [];
      return c.data.kind === 'hold-expiry' ? [{ type: 'HoldExpired', data: { at: current.dueAt } }] : [{ type: 'Purged', data: {} }];
    }
  }
};

export const migrateReservations = async (pool: Pool, schema: string): Promise<void> => {
  await migrateDeadlines(pool, schema);
  await pool.query(`
    CREATE TABLE ${schema}.streams (stream_id text PRIMARY KEY, state jsonb NOT NULL, version int NOT NULL);
    CREATE TABLE ${schema}.events (seq bigserial PRIMARY KEY, stream_id text NOT NULL, type text NOT NULL, data jsonb NOT NULL);
  `);
};

const syncHook = (schema: string) => deadlineSync<State>(schema, deadlines);

/** load → decide → append → deadline hook, in `tx`. Returns the events produced. */
export const handle = async (tx: PoolClient, schema: string, streamId: string, command: Command): Promise<Event[]> => {
  const { rows } = await tx.query<{ state: State; version: number }>(`SELECT state, version FROM ${schema}.streams WHERE stream_id = $1 FOR UPDATE`, [
    streamId,
  ]);
  const previousState: State = rows[0]?.state ?? { status: 'none' };
  const version = rows[0]?.version ?? 0;
  const events = decide(command, previousState);
  const state = events.reduce(evolve, previousState);
  for (const e of events) await tx.query(`INSERT INTO ${schema}.events (stream_id, type, data) VALUES ($1, $2, $3)`, [streamId, e.type, e.data]);
  if (events.length > 0) {
    await tx.query(
      `INSERT INTO ${schema}.streams (stream_id, state, version) VALUES ($1, $2, $3)
       ON CONFLICT (stream_id) DO UPDATE SET state = excluded.state, version = excluded.version`,
      [streamId, state, version + events.length],
    );
  }
  // Runs for every command, also one that produced nothing: the sync repairs a drifted timer table.
  await syncHook(schema)(tx, { streamId, state });
  return events;
};

/** Runs one command in its own transaction. */
export const command = async (pool: Pool, schema: string, streamId: string, c: Command): Promise<Event[]> => {
  const tx = await pool.connect();
  try {
    await tx.query('BEGIN');
    const events = await handle(tx, schema, streamId, c);
    await tx.query('COMMIT');
    return events;
  } catch (err) {
    await tx.query('ROLLBACK');
    throw err;
  } finally {
    tx.release();
  }
};

/** The scheduler's fire callback for this service: FireDeadline joining the scheduler's tx. */
export const fireReservation =
  (schema: string) =>
  async (tx: PoolClient, d: DueDeadline): Promise<void> => {
    await handle(tx, schema, d.streamId, { type: 'FireDeadline', data: { kind: d.kind, dueAt: d.dueAt }, meta: { now: d.now } });
  };

export const eventsOf = async (pool: Pool, schema: string, type?: string): Promise<{ stream_id: string; type: string; data: unknown }[]> =>
  (
    await pool.query<{ stream_id: string; type: string; data: unknown }>(
      `SELECT stream_id, type, data FROM ${schema}.events ${type ? 'WHERE type = $1' : ''} ORDER BY seq`,
      type ? [type] : [],
    )
  ).rows;
