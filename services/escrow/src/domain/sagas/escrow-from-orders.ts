// orders.v1 -> escrow commands: pure, shared by the Kafka consumer and the whole-system simulation
// (tests/simulation). `eventId` = ce_id, so ledger and refund ids are deterministic (replays); every
// command carries consumedMeta: the event's own time and its producer.
import { consumedMeta, type ConsumedEvent, type OrderCancelledData, type OrderClosedData, type OrderCompletedData, type OrderPlacedData } from '@bp/contracts';
import { EscrowPolicySchema } from '../escrow/private-events';
import type { EscrowCommand } from '../escrow/commands';

export const escrowFromOrders = {
  // The order's policy snapshot, never the live policy (conventions).
  OrderPlaced: (e: ConsumedEvent<OrderPlacedData>): EscrowCommand | null => {
    const { orderId, buyerId, sellerId, total, policy } = e.data;
    return {
      type: 'RecordOrderPlaced',
      data: { eventId: e.id, orderId, buyerId, sellerId, total, policy: EscrowPolicySchema.parse(policy.escrow) },
      meta: consumedMeta(e),
    };
  },
  // O6, O7, E3: the order completed: what is still held goes to the seller.
  OrderCompleted: (e: ConsumedEvent<OrderCompletedData>): EscrowCommand | null => ({
    type: 'ReleaseOnCompletion',
    data: { eventId: e.id, orderId: e.data.orderId, reason: e.data.reason },
    meta: consumedMeta(e),
  }),
  // O4: a cancelled paid order is refunded in full.
  OrderCancelled: (e: ConsumedEvent<OrderCancelledData>): EscrowCommand | null => ({
    type: 'RefundOnCancellation',
    data: { eventId: e.id, orderId: e.data.orderId, source: 'OrderCancelled', refundDue: e.data.paid },
    meta: consumedMeta(e),
  }),
  // O3, O5, E3: a closed order with a refund due is refunded in full; one a dispute refunded names it.
  OrderClosed: (e: ConsumedEvent<OrderClosedData>): EscrowCommand | null => {
    const { orderId, refundDue, disputeId } = e.data;
    return {
      type: 'RefundOnCancellation',
      data: { eventId: e.id, orderId, source: 'OrderClosed', refundDue, ...(disputeId ? { disputeId } : {}) },
      meta: consumedMeta(e),
    };
  },
} as const;
