import type { PoolClient } from 'pg';
import { deadlineChannel } from './channel';
import { deadlineTable } from './schema';
import type { Deadline, DeadlineHook, Queryable } from './types';

const check = (deadlines: readonly Deadline[]): void => {
  const kinds = new Set<string>();
  for (const d of deadlines) {
    // ON CONFLICT cannot touch one row twice, and a stream has one deadline per kind anyway.
    if (kinds.has(d.kind)) throw new Error(`duplicate deadline kind ${d.kind}`);
    kinds.add(d.kind);
    if (Number.isNaN(Date.parse(d.dueAt))) throw new Error(`deadline ${d.kind}: dueAt is not a date: ${d.dueAt}`);
  }
};

/**
 * Makes the stream's deadline rows exactly `deadlines`, in the caller's transaction (one statement):
 * new kinds are scheduled, a changed dueAt reschedules (attempts and errors reset: it is a new
 * deadline), kinds no longer listed are cancelled. A kind listed again with the SAME dueAt is left
 * as it is, so a deadline that already fired (or is backing off, or parked) keeps that status
 * instead of being re-armed by every later command on the stream.
 */
export const syncDeadlines = (tx: Queryable, schema: string, streamId: string, deadlines: readonly Deadline[]): Promise<void> =>
  syncManyDeadlines(tx, schema, [{ streamId, deadlines }]);

/** syncDeadlines for many streams in one statement (batched command handlers, rebuilds). */
export const syncManyDeadlines = async (
  tx: Queryable,
  schema: string,
  streams: readonly { streamId: string; deadlines: readonly Deadline[] }[],
): Promise<void> => {
  if (streams.length === 0) return;
  const t = deadlineTable(schema);
  const ids = streams.map((s) => s.streamId);
  if (new Set(ids).size !== ids.length) throw new Error('syncManyDeadlines: a stream is listed twice');
  const wanted = streams.flatMap(({ streamId, deadlines }) => {
    check(deadlines);
    return deadlines.map(({ kind, dueAt, actor, onExpiry }) => ({ s: streamId, d: { kind, dueAt, actor, onExpiry } }));
  });
  if (wanted.length === 0) {
    await tx.query(`DELETE FROM ${t} WHERE stream_id = ANY($1::text[])`, [ids]);
    return;
  }
  // A row (re)scheduled by this sync tells the schedulers, at COMMIT, its earliest next_at (epoch ms)
  // in the same statement: a sleeping scheduler wakes for it if that is sooner than it planned.
  const channel = deadlineChannel(schema);
  await tx.query(
    `WITH wanted AS (
       SELECT e->>'s' AS stream_id, e->'d'->>'kind' AS kind, (e->'d'->>'dueAt')::timestamptz AS due_at, e->'d' AS payload
       FROM jsonb_array_elements($2::jsonb) AS e
     ), cancelled AS (
       DELETE FROM ${t} AS d WHERE d.stream_id = ANY($1::text[])
         AND NOT EXISTS (SELECT 1 FROM wanted w WHERE w.stream_id = d.stream_id AND w.kind = d.kind)
     ), upserted AS (
     INSERT INTO ${t} AS d (stream_id, kind, due_at, payload, next_at)
     SELECT stream_id, kind, due_at, payload, due_at FROM wanted
     ON CONFLICT (stream_id, kind) DO UPDATE SET
       payload    = excluded.payload,
       due_at     = excluded.due_at,
       next_at    = CASE WHEN d.due_at = excluded.due_at THEN d.next_at ELSE excluded.due_at END,
       attempts   = CASE WHEN d.due_at = excluded.due_at THEN d.attempts ELSE 0 END,
       last_error = CASE WHEN d.due_at = excluded.due_at THEN d.last_error END,
       fired_at   = CASE WHEN d.due_at = excluded.due_at THEN d.fired_at END
     WHERE d.due_at IS DISTINCT FROM excluded.due_at OR d.payload IS DISTINCT FROM excluded.payload
     RETURNING d.next_at
     )
     SELECT ${channel ? `pg_notify($3, (extract(epoch FROM min(next_at)) * 1000)::bigint::text)` : 'NULL'} FROM upserted HAVING min(next_at) IS NOT NULL`,
    channel ? [ids, JSON.stringify(wanted), channel] : [ids, JSON.stringify(wanted)],
  );
};

/**
 * The command handler's hook: after every command the stream's rows become `deadlinesOf(state)`.
 * It syncs even when the list looks unchanged: the table is a read model of the log, and a full
 * sync on every command (one statement that writes nothing when rows already match) repairs a
 * table that drifted (restored backup, manual edit) the next time the stream is touched. For that
 * to cover stale firings too, the command handler should run this hook also when a command
 * (e.g. a stale FireDeadline) produced no events.
 */
export const deadlineSync = <S>(schema: string, deadlinesOf: (state: S) => Deadline[]): DeadlineHook<S> =>
  // One statement, sent before the call returns: the command handler need not await it before
  // the next hook (issue 18 item 2).
  Object.assign((tx: PoolClient, ctx: { streamId: string; state: S }) => syncDeadlines(tx, schema, ctx.streamId, deadlinesOf(ctx.state)), {
    sendsAtOnce: true,
  });
