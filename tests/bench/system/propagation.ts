import type { Pool } from 'pg';
import { summarize, type Summary } from './stats';

/**
 * Log-based propagation: for each order of a level, the cause event's recorded_at in one service's
 * log to the effect event's recorded_at in the next service's log (both `now()` of the appending
 * transaction, i.e. its start, on the same database clock). This is the definition, "event
 * appended → effect visible in the next service", measured without polling: relay + broker +
 * consumer + the effect's command. It slightly overstates by the cause transaction's own duration.
 */
export const PAIRS = [
  { name: 'OrderPlaced → escrow OrderRecorded', from: ['order', 'OrderPlaced'], to: ['escrow', 'OrderRecorded'] },
  { name: 'PaymentCaptured → order OrderPaid', from: ['escrow', 'PaymentCaptured'], to: ['order', 'OrderPaid'] },
  { name: 'OrderCompleted → escrow FundsReleased', from: ['order', 'OrderCompleted'], to: ['escrow', 'FundsReleased'] },
  { name: 'DisputeSettled → escrow DisputeSettlementApplied', from: ['dispute', 'DisputeSettled'], to: ['escrow', 'DisputeSettlementApplied'] },
] as const;

export const logPropagation = async (pool: Pool, orderIds: string[]): Promise<Record<string, Summary>> => {
  const out: Record<string, Summary> = {};
  for (const p of PAIRS) {
    const { rows } = await pool
      .query<{ ms: number }>(
        `SELECT extract(epoch FROM (min(e.recorded_at) - c.recorded_at)) * 1000 AS ms
           FROM "${p.from[0]}".events c
           JOIN "${p.to[0]}".events e ON e.type = $3 AND e.data->>'orderId' = c.data->>'orderId'
          WHERE c.type = $2 AND c.data->>'orderId' = ANY($1::text[])
          GROUP BY c.global_position, c.recorded_at`,
        [orderIds, p.from[1], p.to[1]],
      )
      .catch(() => ({ rows: [] as { ms: number }[] }));
    out[p.name] = summarize(rows.map((r) => Number(r.ms)));
  }
  return out;
};
