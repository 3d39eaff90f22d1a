import type { ServiceName } from '@bp/runtime';
import { type OpsContext, q, servicesWithLog } from './context';

export interface TimelineEntry {
  service: ServiceName;
  occurredAt: string;
  /** The database's wall-clock commit-time stamp: the causal order of events at one simulated instant. */
  recordedAt: string;
  position: string;
  type: string;
  streamId: string;
  streamVersion: number;
  data: Record<string, unknown>;
}

/**
 * Every service's events about one order, from each service's own log: events whose data names
 * the order (every public and most private events carry orderId) or whose stream is the order's.
 * Merged by occurred_at, then the time each was recorded, then log position.
 */
export const timeline = async (ctx: OpsContext, orderId: string): Promise<TimelineEntry[]> => {
  const entries: TimelineEntry[] = [];
  for (const service of await servicesWithLog(ctx)) {
    const { rows } = await ctx.pool.query<{
      occurred_at: Date;
      recorded_at: Date;
      position: string;
      type: string;
      stream_id: string;
      stream_version: number;
      data: Record<string, unknown>;
    }>(
      `SELECT occurred_at, recorded_at, global_position::text AS position, type, stream_id, stream_version, data
         FROM ${q(ctx.schemas[service])}.events
        WHERE (data->>'orderId' = $1 OR stream_id = $1 OR stream_id LIKE '%-' || $1)
          -- the order service's copies of other services' events (its HTTP timeline): each log here speaks for itself
          AND type <> 'UpstreamEventObserved'
        ORDER BY occurred_at, global_position`,
      [orderId],
    );
    for (const r of rows)
      entries.push({
        service,
        occurredAt: r.occurred_at.toISOString(),
        recordedAt: r.recorded_at.toISOString(),
        position: r.position,
        type: r.type,
        streamId: r.stream_id,
        streamVersion: r.stream_version,
        data: r.data,
      });
  }
  // The simulated clock gives many events one instant; the wall-clock stamp then orders them as
  // they happened (a consumer's fact after the producer's event), the position within one log.
  return entries.sort(
    (a, b) =>
      a.occurredAt.localeCompare(b.occurredAt) ||
      a.recordedAt.localeCompare(b.recordedAt) ||
      (a.service === b.service ? Number(BigInt(a.position) - BigInt(b.position)) : 0),
  );
};

/** The data without the fields every line repeats, cut to one terminal line. */
const brief = (data: Record<string, unknown>, width = 110): string => {
  const { orderId: _o, policy: _p, ...rest } = data;
  const text = JSON.stringify(rest, (_k, v: unknown) =>
    v && typeof v === 'object' && 'amount' in v && 'currency' in v
      ? `${String((v as { amount: unknown }).amount)} ${String((v as { currency: unknown }).currency)}`
      : v,
  );
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
};

export const printTimeline = (ctx: OpsContext, orderId: string, entries: TimelineEntry[]): void => {
  if (!entries.length) return ctx.out(`no events about order ${orderId}`);
  ctx.out(`order ${orderId}: ${entries.length} events`);
  const typeWidth = Math.max(...entries.map((e) => e.type.length));
  for (const e of entries) ctx.out(`${e.occurredAt}  ${e.service.padEnd(12)} ${e.type.padEnd(typeWidth)}  ${brief(e.data)}`);
};
