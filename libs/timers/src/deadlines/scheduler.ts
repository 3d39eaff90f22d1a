import type { Pool, PoolClient } from 'pg';
import { createChannelListener } from '@bp/eventstore';
import type { Clock } from '../clock';
import { deadlineChannel } from './channel';
import { deadlineTable } from './schema';
import type { Deadline, DueDeadline } from './types';

/** The pino methods the scheduler uses; pass a pino logger or anything shaped like it. */
export interface SchedulerLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface SchedulerOptions {
  pool: Pool;
  schema: string;
  clock: Clock;
  /**
   * Fires one deadline: runs the aggregate's command (FireDeadline) JOINING `tx`, so the command, its
   * events, its own deadline sync and the deadline's removal commit or roll back together. Throwing
   * rolls back just this deadline's work (a savepoint) and schedules a retry.
   */
  fire: (tx: PoolClient, deadline: DueDeadline) => Promise<void>;
  /**
   * Optional: fires several deadlines of DISTINCT streams at once (a command handler that loads,
   * decides and appends for many streams in a few statements). Same contract as `fire`; if it
   * throws, the batch is rolled back and redone one deadline at a time with `fire`, so a failing
   * deadline is retried alone and the others still fire.
   */
  fireMany?: (tx: PoolClient, deadlines: DueDeadline[]) => Promise<void>;
  /** Deadlines claimed and fired per transaction (default 100). */
  batchSize?: number;
  /**
   * How often start()'s loops look for due deadlines when idle (default 250 ms). With `listen`, the
   * longest an idle loop sleeps: a fallback in case a NOTIFY is lost (e.g. while reconnecting).
   */
  pollIntervalMs?: number;
  /**
   * Idle costs nothing (issue 18 item 5): an idle loop sleeps until the earliest next_at (one cheap
   * read, no transaction) and LISTENs on deadlineChannel(schema), where every deadline sync NOTIFYs
   * its earliest next_at at COMMIT, waking the loop when that is sooner than it planned.
   */
  listen?: boolean;
  logger?: SchedulerLogger;
  /** Failed firings before a deadline is parked for an operator (default 10). */
  maxAttempts?: number;
  /** Backoff after the n-th failure: retryBaseMs * 2^(n-1), at most retryMaxMs (defaults 1 s, 15 min). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Batch loops start() runs side by side on the pool (default 1). SKIP LOCKED keeps them disjoint. */
  concurrency?: number;
  /** Called after each committed batch with the deadlines it fired (metrics, lateness). */
  onFired?: (fired: DueDeadline[]) => void;
}

export interface Scheduler {
  /** Polls with clock.now() until stop(). */
  start(): void;
  /** Stops polling and waits for the batches in flight to commit or roll back. */
  stop(): Promise<void>;
  /**
   * Fires everything due at clock.now(), batch after batch in due order, until nothing is due (so a
   * firing that schedules an already-due deadline is fired too). Returns how many fired. Deadlines
   * another scheduler holds are skipped, not waited for.
   */
  runDue(): Promise<number>;
}

interface ClaimedRow {
  stream_id: string;
  kind: string;
  /** due_at as Postgres text: compared back in SQL without a lossy trip through a JS Date. */
  due_key: string;
  payload: Deadline;
  attempts: number;
}

const silent: SchedulerLogger = { warn: () => {}, error: () => {} };

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err)).slice(0, 2000);

export const createScheduler = (o: SchedulerOptions): Scheduler => {
  const t = deadlineTable(o.schema);
  const batchSize = o.batchSize ?? 100;
  const pollIntervalMs = o.pollIntervalMs ?? 250;
  const maxAttempts = o.maxAttempts ?? 10;
  const retryBaseMs = o.retryBaseMs ?? 1000;
  const retryMaxMs = o.retryMaxMs ?? 15 * 60_000;
  const log = o.logger ?? silent;

  // Ordered by next_at only, so the partial index serves the claim without a sort.
  const CLAIM = `SELECT stream_id, kind, due_at::text AS due_key, payload, attempts FROM ${t}
    WHERE next_at <= $1 ORDER BY next_at LIMIT $2 FOR UPDATE SKIP LOCKED`;
  // Used only when an earlier firing in the same batch touched the same stream and may have
  // rescheduled or cancelled this row through its own deadline sync.
  const STILL_DUE = `SELECT 1 FROM ${t} WHERE stream_id = $1 AND kind = $2 AND due_at = $3::timestamptz AND next_at IS NOT NULL`;
  // "Unchanged" = same due_at and still waiting. A firing whose command rescheduled the kind (new
  // due_at) or cancelled it (row gone) is left alone; one whose command re-stated the same dueAt is
  // marked fired rather than deleted, so a later sync listing that same dueAt cannot re-arm it.
  const MARK_FIRED = `UPDATE ${t} AS d SET next_at = NULL, fired_at = $4, last_error = NULL
    FROM unnest($1::text[], $2::text[], $3::text[]) AS f(stream_id, kind, due_key)
    WHERE d.stream_id = f.stream_id AND d.kind = f.kind AND d.due_at = f.due_key::timestamptz AND d.next_at IS NOT NULL`;
  const FAILED = `UPDATE ${t} SET attempts = attempts + 1, last_error = $3,
    next_at = CASE WHEN attempts + 1 >= $4 THEN NULL ELSE $5::timestamptz END
    WHERE stream_id = $1 AND kind = $2`;

  const backoffMs = (failures: number): number => Math.min(retryBaseMs * 2 ** Math.min(failures - 1, 40), retryMaxMs);

  const toDue = (row: ClaimedRow, now: string): DueDeadline => ({
    streamId: row.stream_id,
    kind: row.kind,
    dueAt: row.payload.dueAt,
    payload: row.payload,
    attempts: row.attempts,
    now,
  });

  /** Thrown inside a batch when a firing failed on the fast path: redo the batch carefully. */
  class FastPathFailed extends Error {}

  /**
   * One transaction: claim up to batchSize due rows, fire them, mark the unchanged ones fired,
   * commit. The fast path fires without savepoints (two round trips fewer per deadline); the first
   * failure rolls the whole batch back and it is redone with a savepoint per deadline, where a
   * failing deadline is rolled back alone and scheduled for a retry. Either way a deadline's effects
   * and its removal commit together, or not at all.
   */
  const runBatch = async (careful: boolean): Promise<{ claimed: number; fired: number }> => {
    const client = await o.pool.connect();
    // A checked-out pg client has no error listener; a dropped connection would otherwise crash the
    // process. The batch's next query fails and the server has already rolled the claim back.
    const onConnectionError = (err: Error) => log.warn({ err }, 'deadline scheduler connection lost; its batch rolls back');
    client.on('error', onConnectionError);
    let broken: Error | undefined;
    let redo = false;
    try {
      const now = o.clock.now();
      const nowIso = now.toISOString();
      await client.query('BEGIN');
      const { rows } = await client.query<ClaimedRow>(CLAIM, [now, batchSize]);
      if (rows.length === 0) {
        await client.query('COMMIT');
        return { claimed: 0, fired: 0 };
      }
      const fired: ClaimedRow[] = [];
      const firedDeadlines: DueDeadline[] = [];
      const touched = new Set<string>();
      // A row of a stream fired earlier in this batch is re-read first: that firing's own deadline
      // sync may have rescheduled or cancelled it.
      const stillDue = async (row: ClaimedRow) =>
        !touched.has(row.stream_id) || ((await client.query(STILL_DUE, [row.stream_id, row.kind, row.due_key])).rowCount ?? 0) > 0;
      const done = (row: ClaimedRow, due: DueDeadline) => {
        fired.push(row);
        firedDeadlines.push(due);
        touched.add(row.stream_id);
      };

      if (!careful) {
        try {
          let rest = rows;
          if (o.fireMany) {
            const first = new Map<string, ClaimedRow>();
            for (const row of rows) if (!first.has(row.stream_id)) first.set(row.stream_id, row);
            const group = [...first.values()];
            const dues = group.map((row) => toDue(row, nowIso));
            await o.fireMany(client, dues);
            group.forEach((row, i) => done(row, dues[i] as DueDeadline));
            rest = rows.filter((row) => first.get(row.stream_id) !== row);
          }
          for (const row of rest) {
            if (!(await stillDue(row))) continue;
            const due = toDue(row, nowIso);
            await o.fire(client, due);
            done(row, due);
          }
        } catch (err) {
          throw new FastPathFailed(message(err), { cause: err });
        }
      } else {
        for (const row of rows) {
          if (!(await stillDue(row))) continue;
          const due = toDue(row, nowIso);
          await client.query('SAVEPOINT deadline');
          try {
            await o.fire(client, due);
            await client.query('RELEASE SAVEPOINT deadline');
            done(row, due);
          } catch (err) {
            // If the connection itself is gone this throws too, and the whole batch rolls back.
            await client.query('ROLLBACK TO SAVEPOINT deadline');
            const failures = row.attempts + 1;
            const retryAt = new Date(now.getTime() + backoffMs(failures));
            await client.query(FAILED, [row.stream_id, row.kind, message(err), maxAttempts, retryAt]);
            if (failures >= maxAttempts)
              log.error({ err, streamId: row.stream_id, kind: row.kind, attempts: failures }, 'deadline parked after repeated failures');
            else log.warn({ err, streamId: row.stream_id, kind: row.kind, attempts: failures, retryAt }, 'deadline firing failed; will retry');
          }
        }
      }
      if (fired.length > 0) {
        await client.query(MARK_FIRED, [fired.map((r) => r.stream_id), fired.map((r) => r.kind), fired.map((r) => r.due_key), now]);
      }
      await client.query('COMMIT');
      if (o.onFired && firedDeadlines.length > 0) o.onFired(firedDeadlines);
      return { claimed: rows.length, fired: fired.length };
    } catch (err) {
      try {
        await client.query('ROLLBACK');
        redo = err instanceof FastPathFailed;
      } catch {
        // the connection is gone: the server rolled back; destroy the client, don't pool it
        broken = err instanceof Error ? err : new Error(String(err));
      }
      if (!redo) throw err instanceof FastPathFailed ? err.cause : err;
    } finally {
      client.off('error', onConnectionError);
      client.release(broken);
    }
    return runBatch(true);
  };

  const NEXT_DUE = `SELECT (extract(epoch FROM min(next_at)) * 1000)::float8 AS at FROM ${t} WHERE next_at IS NOT NULL`;
  const channel = o.listen ? deadlineChannel(o.schema) : undefined;

  let running = false;
  let loops: Promise<void>[] = [];
  const wakers = new Set<() => void>();
  /** Clock time (ms) at which the sleeping loops look again; a NOTIFY of an earlier deadline wakes them. */
  let plannedAt = Number.POSITIVE_INFINITY;
  const wakeAll = () => {
    for (const wake of [...wakers]) wake();
  };
  const onNotification = (n: { payload?: string | undefined }) => {
    const at = Number(n.payload);
    if (!Number.isFinite(at) || at < plannedAt) wakeAll();
  };

  /** LISTEN on a connection of its own; a lost one is dropped and set up again by the next idle round. */
  const listener = channel
    ? createChannelListener({ pool: o.pool, channel, onNotification, warn: (err, message) => log.warn({ err }, `deadline scheduler: ${message}`) })
    : undefined;

  /** How long an idle loop may sleep: until the earliest next_at, at most pollIntervalMs. */
  const idleWaitMs = async (): Promise<number> => {
    if (!listener) return pollIntervalMs;
    await listener.ensure();
    const { rows } = await o.pool.query<{ at: number | null }>(NEXT_DUE);
    const at = rows[0]?.at ?? null;
    const wait = at === null ? pollIntervalMs : Math.max(0, Math.min(pollIntervalMs, at - o.clock.now().getTime()));
    plannedAt = o.clock.now().getTime() + wait;
    return wait;
  };
  /**
   * A sleep registered before the loop reads its next deadline, so a NOTIFY that lands between that
   * read and the sleep still wakes it (the read may not have seen the row the NOTIFY is about).
   */
  const sleeper = () => {
    let woken = false;
    let resolve: (() => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    const wake = () => {
      woken = true;
      clearTimeout(timer);
      wakers.delete(wake);
      resolve?.();
    };
    wakers.add(wake);
    return {
      for: (ms: number) =>
        woken
          ? Promise.resolve()
          : new Promise<void>((r) => {
              resolve = r;
              timer = setTimeout(wake, ms);
            }),
      cancel: wake,
    };
  };

  const loop = async () => {
    while (running) {
      let claimed = 0;
      try {
        claimed = (await runBatch(false)).claimed;
      } catch (err) {
        log.error({ err }, 'deadline batch failed and rolled back; its deadlines are due again');
      }
      // Keep going while there was work (more may be due, or newly due); sleep only when idle.
      if (running && claimed === 0) {
        const sleep = sleeper();
        const wait = await idleWaitMs().catch((err: unknown) => (log.warn({ err }, 'deadline scheduler could not read its next deadline'), pollIntervalMs));
        // Due already yet nothing claimed: another scheduler holds those rows; look again shortly.
        if (running) await sleep.for(Math.max(wait, Math.min(pollIntervalMs, 50)));
        sleep.cancel();
        plannedAt = Number.POSITIVE_INFINITY;
      }
    }
  };

  return {
    start() {
      if (running) return;
      running = true;
      loops = Array.from({ length: Math.max(1, o.concurrency ?? 1) }, () => loop());
    },
    async stop() {
      running = false;
      wakeAll();
      await Promise.all(loops);
      loops = [];
      await listener?.stop();
    },
    async runDue() {
      let total = 0;
      for (;;) {
        const { claimed, fired } = await runBatch(false);
        total += fired;
        if (claimed === 0) return total;
      }
    },
  };
};
