import type { ServiceName } from '@bp/runtime';
import { type OpsContext, deploymentNow, q, servicesWithLog } from './context';

/**
 * Where services keep consumed facts that arrived before the fact they depend on (escrow's
 * parked_commands, notification's parked_events). A row normally lives milliseconds to minutes: an
 * old one means the awaited fact never came (a lost upstream event, a stopped consumer), which no
 * dead letter would show. `since` is the deployment clock when it was parked.
 */
const PARKING: Partial<Record<ServiceName, { table: string; since: string; what: string; waitingFor: string }>> = {
  escrow: { table: 'parked_commands', since: 'parked_at', what: "command->>'type'", waitingFor: 'waiting_for' },
  notification: { table: 'parked_events', since: 'received_at', what: 'type', waitingFor: "'OrderPlaced'" },
};

export interface ParkedRow {
  service: ServiceName;
  orderId: string;
  what: string;
  waitingFor: string;
  since: string;
  ageMs: number;
}

/** Every parked item (only those parked at least `olderThanMs` ago, when given), oldest first. */
export const parked = async (ctx: OpsContext, o: { olderThanMs?: number } = {}): Promise<{ now: Date; rows: ParkedRow[] }> => {
  const now = await deploymentNow(ctx);
  const cutoff = new Date(now.getTime() - (o.olderThanMs ?? 0));
  const rows: ParkedRow[] = [];
  for (const service of await servicesWithLog(ctx)) {
    const p = PARKING[service];
    if (!p) continue;
    const table = `${q(ctx.schemas[service])}.${p.table}`;
    const exists = await ctx.pool.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [table]);
    if (!exists.rows[0]?.t) continue; // the service never started: nothing can be parked
    const { rows: found } = await ctx.pool.query<{ order_id: string; what: string; waiting_for: string; since: Date }>(
      `SELECT order_id, ${p.what} AS what, ${p.waitingFor} AS waiting_for, ${p.since} AS since
         FROM ${table} WHERE ${p.since} <= $1 ORDER BY ${p.since}, id`,
      [cutoff],
    );
    for (const r of found)
      rows.push({
        service,
        orderId: r.order_id,
        what: r.what,
        waitingFor: r.waiting_for,
        since: r.since.toISOString(),
        ageMs: now.getTime() - r.since.getTime(),
      });
  }
  rows.sort((a, b) => a.since.localeCompare(b.since));
  return { now, rows };
};

export const printParked = (ctx: OpsContext, r: { now: Date; rows: ParkedRow[] }): void => {
  ctx.out(`now ${r.now.toISOString()}: ${r.rows.length} parked item(s)`);
  for (const p of r.rows)
    ctx.out(`${p.since}  ${p.service.padEnd(12)} ${p.orderId}  ${p.what} waits for ${p.waitingFor}  (${Math.round(p.ageMs / 60_000)} min)`);
};
