// disputes.v1 -> escrow commands: one money decision per outcome (R6, E3, E5). Pure, shared by the
// Kafka consumer and the simulation. `eventId` = ce_id (deterministic ledger ids); null: no money
// moves on this event.
import { consumedMeta, type AppealDecidedData, type ConsumedEvent, type DisputeSettledData, type FastRefundGrantedData } from '@bp/contracts';
import type { EscrowCommand } from '../escrow/commands';

/**
 * E5: only an appeal decision that corrects an earlier settlement moves money here; any other decision
 * travels on the dispute's DisputeSettled (settledBy APPEAL), so moving it here would pay it twice.
 */
export const movesMoney = (d: Pick<AppealDecidedData, 'correction'>): boolean => d.correction;

export const escrowFromDisputes = {
  // E3: `refund` already includes the compensation; the fast refund is the escrow's own record (R6).
  DisputeSettled: (e: ConsumedEvent<DisputeSettledData>): EscrowCommand | null => {
    const { orderId, disputeId, refund, returnShippingCompensation, releaseRemainder, settledBy } = e.data;
    return {
      type: 'ApplyDisputeSettlement',
      data: {
        eventId: e.id,
        orderId,
        disputeId,
        refund,
        ...(returnShippingCompensation ? { compensation: returnShippingCompensation } : {}),
        releaseRemainder,
        settledBy,
      },
      meta: consumedMeta(e),
    };
  },
  // R6: the buyer is refunded now, ahead of the return; the platform carries the exposure.
  FastRefundGranted: (e: ConsumedEvent<FastRefundGrantedData>): EscrowCommand | null => ({
    type: 'GrantFastRefund',
    data: { eventId: e.id, orderId: e.data.orderId, disputeId: e.data.disputeId, amount: e.data.amount },
    meta: consumedMeta(e),
  }),
  AppealDecided: (e: ConsumedEvent<AppealDecidedData>): EscrowCommand | null => {
    if (!movesMoney(e.data)) return null;
    const { orderId, disputeId, decision, refund } = e.data;
    return { type: 'ApplyAppealDecision', data: { eventId: e.id, orderId, disputeId, decision, refund }, meta: consumedMeta(e) };
  },
} as const;
