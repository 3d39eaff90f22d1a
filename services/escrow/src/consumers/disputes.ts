import { AppealDecided, DisputeSettled, FastRefundGranted } from '@bp/contracts';
import { on, type Handlers, type IncomingEvent } from '@bp/messaging';
import type { Clock } from '@bp/timers';
import type { PoolClient } from 'pg';
import type { EscrowCommand } from '../domain';
import type { EscrowApp } from '../app/escrow-app';
import { causedBy, ESCROW_ACTOR } from '../app/metadata';

/** disputes.v1 -> escrow commands: one money decision per outcome (the decider dedupes per dispute too). */
export const disputeHandlers = (app: EscrowApp, clock: Clock): Handlers => {
  const run = (tx: PoolClient, e: IncomingEvent, command: (meta: EscrowCommand['meta']) => EscrowCommand) => {
    const now = clock.now().toISOString();
    return app.executeOrPark(command({ now, actor: ESCROW_ACTOR }), { tx, metadata: causedBy(e, now) });
  };
  return {
    ...on(DisputeSettled, async (tx, e) => {
      const d = e.data;
      // `refund` already includes the compensation; the fast refund is the escrow's own record (R6).
      await run(tx, e, (meta) => ({
        type: 'ApplyDisputeSettlement',
        data: {
          eventId: e.id, orderId: d.orderId, disputeId: d.disputeId, refund: d.refund,
          ...(d.returnShippingCompensation ? { compensation: d.returnShippingCompensation } : {}),
          releaseRemainder: d.releaseRemainder, settledBy: d.settledBy,
        },
        meta,
      }));
    }),
    ...on(FastRefundGranted, async (tx, e) => {
      await run(tx, e, (meta) => ({ type: 'GrantFastRefund', data: { eventId: e.id, orderId: e.data.orderId, disputeId: e.data.disputeId, amount: e.data.amount }, meta }));
    }),
    ...on(AppealDecided, async (tx, e) => {
      // Only a correction moves money here; otherwise it travels on DisputeSettled (settledBy APPEAL).
      if (!e.data.correction) return;
      const d = e.data;
      await run(tx, e, (meta) => ({ type: 'ApplyAppealDecision', data: { eventId: e.id, orderId: d.orderId, disputeId: d.disputeId, decision: d.decision, refund: d.refund }, meta }));
    }),
  };
};
