import { deadlineTable } from './schema';
import type { Deadline, DeadlineRow, DeadlineStatus, Queryable } from './types';

export interface ListDeadlinesOptions {
  streamId?: string;
  /** Only deadlines not yet fired whose dueAt is at or before this time (parked ones included). */
  overdueAt?: Date;
  status?: DeadlineStatus;
  /** Default 100. */
  limit?: number;
}

interface Row {
  stream_id: string;
  kind: string;
  payload: Deadline;
  next_at: Date | null;
  attempts: number;
  last_error: string | null;
  fired_at: Date | null;
}

const statusOf = (r: Row): DeadlineStatus => (r.fired_at ? 'fired' : r.next_at === null ? 'parked' : r.attempts > 0 ? 'retrying' : 'pending');

const STATUS_SQL: Record<DeadlineStatus, string> = {
  fired: 'fired_at IS NOT NULL',
  parked: 'fired_at IS NULL AND next_at IS NULL',
  retrying: 'next_at IS NOT NULL AND attempts > 0',
  pending: 'next_at IS NOT NULL AND attempts = 0',
};

/** Deadline rows in due order, for views and `ops timers` (parked ones show their last error). */
export const listDeadlines = async (db: Queryable, schema: string, opts: ListDeadlinesOptions = {}): Promise<DeadlineRow[]> => {
  const where: string[] = [];
  const params: unknown[] = [];
  if (opts.streamId !== undefined) {
    params.push(opts.streamId);
    where.push(`stream_id = $${params.length}`);
  }
  if (opts.overdueAt !== undefined) {
    params.push(opts.overdueAt);
    where.push(`fired_at IS NULL AND due_at <= $${params.length}`);
  }
  if (opts.status !== undefined) where.push(STATUS_SQL[opts.status]);
  params.push(opts.limit ?? 100);
  const { rows } = await db.query<Row>(
    `SELECT stream_id, kind, payload, next_at, attempts, last_error, fired_at FROM ${deadlineTable(schema)}
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY due_at, stream_id, kind LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => ({
    streamId: r.stream_id,
    kind: r.kind,
    dueAt: r.payload.dueAt,
    payload: r.payload,
    status: statusOf(r),
    nextAttemptAt: r.next_at?.toISOString() ?? null,
    attempts: r.attempts,
    lastError: r.last_error,
    firedAt: r.fired_at?.toISOString() ?? null,
  }));
};
