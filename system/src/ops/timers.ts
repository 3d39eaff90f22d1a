import type { ServiceName } from '@bp/runtime';
import { type OpsContext, deploymentNow, q, servicesWithLog } from './context';

export interface TimerRow {
  service: ServiceName;
  streamId: string;
  kind: string;
  dueAt: string;
  status: 'pending' | 'retrying' | 'parked';
  attempts: number;
  lastError: string | null;
  overdue: boolean;
}

/**
 * Deadlines not fired yet, per service, from each `<schema>.deadlines` (the durable timer table
 * the command handler keeps equal to the aggregates' `deadlines(state)`). Overdue is measured
 * against the deployment's clock (simulated when there is one): a due deadline still listed means
 * the scheduler is behind, failing (retrying) or has given up (parked).
 */
export const timers = async (ctx: OpsContext, o: { overdue?: boolean } = {}): Promise<{ now: Date; rows: TimerRow[] }> => {
  const now = await deploymentNow(ctx);
  const rows: TimerRow[] = [];
  for (const service of await servicesWithLog(ctx)) {
    const table = await ctx.pool.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [`${q(ctx.schemas[service])}.deadlines`]);
    if (!table.rows[0]?.t) continue; // a log without timers (never started by the runtime)
    const { rows: found } = await ctx.pool.query<{
      stream_id: string;
      kind: string;
      due: string;
      next_at: Date | null;
      attempts: number;
      last_error: string | null;
      due_at: Date;
    }>(
      `SELECT stream_id, kind, payload->>'dueAt' AS due, due_at, next_at, attempts, last_error
         FROM ${q(ctx.schemas[service])}.deadlines
        WHERE fired_at IS NULL ${o.overdue ? 'AND due_at <= $1' : 'AND $1::timestamptz IS NOT NULL'}
        ORDER BY due_at, stream_id, kind`,
      [now],
    );
    for (const r of found)
      rows.push({
        service,
        streamId: r.stream_id,
        kind: r.kind,
        dueAt: r.due ?? r.due_at.toISOString(),
        status: r.next_at === null ? 'parked' : r.attempts > 0 ? 'retrying' : 'pending',
        attempts: r.attempts,
        lastError: r.last_error,
        overdue: r.due_at <= now,
      });
  }
  return { now, rows };
};

export const printTimers = (ctx: OpsContext, r: { now: Date; rows: TimerRow[] }, overdueOnly: boolean): void => {
  ctx.out(`now ${r.now.toISOString()}: ${r.rows.length} ${overdueOnly ? 'overdue' : 'pending'} deadline(s)`);
  for (const t of r.rows) {
    const late = t.overdue ? `  OVERDUE by ${Math.round((r.now.getTime() - Date.parse(t.dueAt)) / 60_000)} min` : '';
    const err = t.lastError ? `  last error: ${t.lastError}` : '';
    ctx.out(`${t.dueAt}  ${t.service.padEnd(12)} ${t.kind.padEnd(28)} ${t.streamId}  ${t.status}${t.attempts ? ` (${t.attempts} attempts)` : ''}${late}${err}`);
  }
};
