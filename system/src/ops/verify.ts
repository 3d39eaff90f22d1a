import { signDevToken } from '@bp/http';
import type { ServiceName } from '@bp/runtime';
import { type OpsContext, q, servicesWithLog } from './context';

export interface VerifyReport {
  ledger: { ordersChecked: number; violations: unknown[] } | { error: string };
  counts: Record<string, number>;
  violations: string[];
}

type Money = { amount: number; currency: string };
type Row = { order_id: string; type: string; data: Record<string, unknown> };

/** Public events of the given types from one service's log, grouped by orderId. */
const eventsByOrder = async (ctx: OpsContext, service: ServiceName, types: string[]): Promise<Map<string, Row[]>> => {
  const out = new Map<string, Row[]>();
  const { rows } = await ctx.pool.query<Row>(
    `SELECT data->>'orderId' AS order_id, type, data FROM ${q(ctx.schemas[service])}.events WHERE type = ANY($1::text[]) ORDER BY global_position`,
    [types],
  );
  for (const r of rows) out.set(r.order_id, [...(out.get(r.order_id) ?? []), r]);
  return out;
};

const amountOf = (v: unknown): number => (typeof v === 'object' && v !== null && 'amount' in v ? Number((v as Money).amount) : 0);

/** Escrow's own conservation check (E2) over HTTP, with an ops token signed by the deployment's secret. */
const ledgerVerify = async (ctx: OpsContext): Promise<VerifyReport['ledger']> => {
  const url = ctx.serviceUrls.escrow;
  const secret = ctx.env.JWT_SECRET;
  if (!url || !secret) return { error: 'no escrow URL or JWT_SECRET' };
  try {
    const res = await fetch(`${url}/ledger/verify`, {
      headers: { authorization: `Bearer ${signDevToken({ sub: 'ops-cli', role: 'ops', secret })}` },
      signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok) return { error: `GET ${url}/ledger/verify answered ${res.status}` };
    return (await res.json()) as { ordersChecked: number; violations: unknown[] };
  } catch (err) {
    return { error: `escrow at ${url} unreachable (${(err as Error).message})` };
  }
};

/**
 * `verify`: the ledger balances (escrow's conservation check) and the services agree with each
 * other, judged from their logs: every completed order had its funds released (or fully refunded
 * by its dispute's settlement), every dispute settled with a refund has a refund in escrow, every
 * cancelled paid order and every order closed with a refund due was refunded.
 */
export const verify = async (ctx: OpsContext): Promise<VerifyReport> => {
  const present = new Set(await servicesWithLog(ctx));
  const violations: string[] = [];
  const counts: Record<string, number> = {};
  const ledger = present.has('escrow') ? await ledgerVerify(ctx) : { error: 'escrow has no log in this database' };
  if ('error' in ledger) violations.push(`ledger not verified: ${ledger.error}`);
  else for (const v of ledger.violations) violations.push(`ledger: ${JSON.stringify(v)}`);

  const none = new Map<string, Row[]>();
  const orders = present.has('order') ? await eventsByOrder(ctx, 'order', ['OrderCompleted', 'OrderCancelled', 'OrderClosed']) : none;
  const escrow = present.has('escrow')
    ? await eventsByOrder(ctx, 'escrow', ['FundsReleased', 'RefundRequested', 'RefundCompleted', 'FastRefundGranted'])
    : none;
  const disputes = present.has('dispute') ? await eventsByOrder(ctx, 'dispute', ['DisputeSettled', 'AppealDecided', 'FastRefundGranted']) : none;
  const has = (m: Map<string, Row[]>, id: string, type: string) => (m.get(id) ?? []).some((r) => r.type === type);
  const refunded = (id: string) => has(escrow, id, 'RefundRequested') || has(escrow, id, 'RefundCompleted');
  const count = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);

  for (const [orderId, evs] of orders) {
    for (const e of evs) {
      if (e.type === 'OrderCompleted') {
        count('ordersCompleted');
        if (!present.has('escrow')) continue;
        if (has(escrow, orderId, 'FundsReleased')) continue;
        // Nothing left to release when the settlement refunded the whole paid amount.
        const settled = (disputes.get(orderId) ?? []).filter((d) => d.type === 'DisputeSettled');
        const fullRefund = settled.some((d) => amountOf(d.data.refund) >= amountOf(e.data.amount) && d.data.releaseRemainder !== true);
        if (fullRefund && refunded(orderId)) continue;
        violations.push(`order ${orderId} completed (${String(e.data.reason)}) but escrow released no funds`);
      } else if (e.type === 'OrderCancelled' && e.data.paid === true) {
        count('paidOrdersCancelled');
        if (present.has('escrow') && !refunded(orderId)) violations.push(`order ${orderId} cancelled after payment but escrow has no refund`);
      } else if (e.type === 'OrderClosed' && e.data.refundDue === true) {
        count('ordersClosedWithRefund');
        if (present.has('escrow') && !refunded(orderId))
          violations.push(`order ${orderId} closed with a refund due (${String(e.data.reason)}) but escrow has no refund`);
      }
    }
  }
  for (const [orderId, evs] of disputes) {
    for (const e of evs) {
      if (e.type !== 'DisputeSettled') continue;
      count('disputesSettled');
      if (amountOf(e.data.refund) <= 0) continue;
      count('disputesSettledWithRefund');
      if (present.has('escrow') && !refunded(orderId))
        violations.push(`dispute ${String(e.data.disputeId)} on order ${orderId} settled with a refund of ${amountOf(e.data.refund)} but escrow has no refund`);
    }
  }
  counts.escrowOrdersReleased = [...escrow.values()].filter((evs) => evs.some((r) => r.type === 'FundsReleased')).length;
  counts.escrowOrdersRefunded = [...escrow.keys()].filter(refunded).length;
  return { ledger, counts, violations };
};

export const printVerify = (ctx: OpsContext, r: VerifyReport): void => {
  if ('error' in r.ledger) ctx.out(`ledger: NOT CHECKED (${r.ledger.error})`);
  else ctx.out(`ledger: ${r.ledger.ordersChecked} orders checked, ${r.ledger.violations.length} violation(s)`);
  ctx.out(
    `cross-service: ${
      Object.entries(r.counts)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') || 'nothing to check yet'
    }`,
  );
  if (!r.violations.length) return ctx.out('OK: no violations');
  ctx.out(`${r.violations.length} violation(s):`);
  for (const v of r.violations) ctx.out(`  ✗ ${v}`);
};
