import { OrderCancelled, OrderClosed, OrderCompleted, OrderPlaced } from '@bp/contracts';
import { on, type Handlers, type IncomingEvent } from '@bp/messaging';
import type { Clock } from '@bp/timers';
import type { PoolClient } from 'pg';
import { EscrowPolicySchema, type EscrowCommand } from '../domain';
import type { EscrowApp } from '../app/escrow-app';
import { causedBy, ESCROW_ACTOR } from '../app/metadata';

/** orders.v1 -> escrow commands; `eventId` = ce_id so ledger ids are deterministic (replays). */
export const orderHandlers = (app: EscrowApp, clock: Clock): Handlers => {
  const run = (tx: PoolClient, e: IncomingEvent, command: (meta: EscrowCommand['meta']) => EscrowCommand) => {
    const now = clock.now().toISOString();
    return app.executeOrPark(command({ now, actor: ESCROW_ACTOR }), { tx, metadata: causedBy(e, now) });
  };
  return {
    ...on(OrderPlaced, async (tx, e) => {
      const { orderId, buyerId, sellerId, total } = e.data;
      // The order's policy snapshot, never the live policy (conventions).
      const policy = EscrowPolicySchema.parse(e.data.policy.escrow);
      await run(tx, e, (meta) => ({ type: 'RecordOrderPlaced', data: { eventId: e.id, orderId, buyerId, sellerId, total, policy }, meta }));
    }),
    ...on(OrderCompleted, async (tx, e) => {
      await run(tx, e, (meta) => ({ type: 'ReleaseOnCompletion', data: { eventId: e.id, orderId: e.data.orderId, reason: e.data.reason }, meta }));
    }),
    ...on(OrderCancelled, async (tx, e) => {
      await run(tx, e, (meta) => ({ type: 'RefundOnCancellation', data: { eventId: e.id, orderId: e.data.orderId, source: 'OrderCancelled', refundDue: e.data.paid }, meta }));
    }),
    ...on(OrderClosed, async (tx, e) => {
      await run(tx, e, (meta) => ({ type: 'RefundOnCancellation', data: { eventId: e.id, orderId: e.data.orderId, source: 'OrderClosed', refundDue: e.data.refundDue, ...(e.data.disputeId ? { disputeId: e.data.disputeId } : {}) }, meta }));
    }),
  };
};
