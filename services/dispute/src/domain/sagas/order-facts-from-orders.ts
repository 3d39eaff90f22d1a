// orders.v1 -> the dispute service's order facts (conventions: facts learnt from another service
// become our events). Pure, shared by the Kafka consumer and the simulation. One command per fact,
// stamped with the event's own time; the order-facts decider makes redeliveries and repeats no-ops.
import type {
  OrderCancelledData, OrderClosedData, OrderCompletedData, OrderDeliveredData, OrderPaidData, OrderPlacedData, OrderShippedData, ProtectionEndedData,
  ProtectionExtendedData, ProtectionExtensionDeclinedData, ProtectionExtensionLapsedData, ProtectionResumedData, ProtectionSuspendedData,
} from '@bp/contracts';
import { PolicySnapshotSchema } from '@bp/timers';
import type { OrderFactsCommand } from '../order-facts';

export const orderFactsFromOrders = {
  // O2: the policy snapshot frozen on the order is what the dispute's durations come from.
  OrderPlaced: (d: OrderPlacedData, now: string): OrderFactsCommand => ({
    type: 'RecordOrderPlaced',
    data: { orderId: d.orderId, buyerId: d.buyerId, sellerId: d.sellerId, total: d.total, protectionDays: d.protectionDays, policy: PolicySnapshotSchema.parse(d.policy), placedAt: d.placedAt },
    meta: { now },
  }),
  OrderPaid: (d: OrderPaidData, now: string): OrderFactsCommand => ({ type: 'RecordOrderPaid', data: { orderId: d.orderId, amount: d.amount, paidAt: d.paidAt }, meta: { now } }),
  OrderShipped: (d: OrderShippedData, now: string): OrderFactsCommand => ({ type: 'RecordOrderShipped', data: { orderId: d.orderId, shippedAt: d.shippedAt, protectionEndsAt: d.protectionEndsAt }, meta: { now } }),
  OrderDelivered: (d: OrderDeliveredData, now: string): OrderFactsCommand => ({ type: 'RecordDelivered', data: { orderId: d.orderId, deliveredAt: d.deliveredAt }, meta: { now } }),
  ProtectionExtended: (d: ProtectionExtendedData, now: string): OrderFactsCommand => ({ type: 'RecordProtectionChanged', data: { orderId: d.orderId, protectionEndsAt: d.protectionEndsAt, at: d.approvedAt }, meta: { now } }),
  // O8: a declined or lapsed request lets a dispute demand EXTEND_PROTECTION.
  ProtectionExtensionDeclined: (d: ProtectionExtensionDeclinedData, now: string): OrderFactsCommand => ({ type: 'RecordExtensionRefused', data: { orderId: d.orderId, extensionId: d.extensionId, at: d.declinedAt }, meta: { now } }),
  ProtectionExtensionLapsed: (d: ProtectionExtensionLapsedData, now: string): OrderFactsCommand => ({ type: 'RecordExtensionRefused', data: { orderId: d.orderId, extensionId: d.extensionId, at: d.lapsedAt }, meta: { now } }),
  // O9: suspended while a dispute is open (null = suspended), resumed with a new end.
  ProtectionSuspended: (d: ProtectionSuspendedData, now: string): OrderFactsCommand => ({ type: 'RecordProtectionChanged', data: { orderId: d.orderId, protectionEndsAt: null, at: d.suspendedAt }, meta: { now } }),
  ProtectionResumed: (d: ProtectionResumedData, now: string): OrderFactsCommand => ({ type: 'RecordProtectionChanged', data: { orderId: d.orderId, protectionEndsAt: d.protectionEndsAt, at: d.resumedAt }, meta: { now } }),
  // S3: the order's protection ran out: acknowledged with the dispute open on it (order-facts/protection-end.ts).
  ProtectionEnded: (d: ProtectionEndedData, now: string): OrderFactsCommand => ({ type: 'RecordProtectionEnded', data: { orderId: d.orderId, round: d.round, endedAt: d.endedAt }, meta: { now } }),
  OrderCompleted: (d: OrderCompletedData, now: string): OrderFactsCommand => ({ type: 'RecordOrderCompleted', data: { orderId: d.orderId, completedAt: d.completedAt, reason: d.reason }, meta: { now } }),
  OrderCancelled: (d: OrderCancelledData, now: string): OrderFactsCommand => ({ type: 'RecordOrderClosed', data: { orderId: d.orderId, closedAt: d.cancelledAt, reason: 'CANCELLED' }, meta: { now } }),
  OrderClosed: (d: OrderClosedData, now: string): OrderFactsCommand => ({ type: 'RecordOrderClosed', data: { orderId: d.orderId, closedAt: d.closedAt, reason: d.reason }, meta: { now } }),
} as const;

/** The command for an orders.v1 event by its type; null for the events the dispute service ignores. */
export const orderFactsCommandOf = (type: string, data: unknown, now: string): OrderFactsCommand | null => {
  const map = orderFactsFromOrders as Record<string, ((d: never, now: string) => OrderFactsCommand) | undefined>;
  return map[type]?.(data as never, now) ?? null;
};
