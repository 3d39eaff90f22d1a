// orders.v1 -> the dispute service's order-facts commands, field for field as
// services/dispute/src/consumers/orders.ts maps them (that file binds the mapping to its Kafka
// handlers; the mapping copies fields and decides nothing: every rule is in the order-facts decider).
import { PolicySnapshotSchema } from '@bp/timers';
import type { OrderFactsCommand } from '../../services/dispute/src/domain';

/** The fields of orders.v1 events read here (their schemas are in @bp/contracts). */
type D = Readonly<Record<
  'orderId' | 'buyerId' | 'sellerId' | 'total' | 'protectionDays' | 'policy' | 'placedAt' | 'amount' | 'paidAt' | 'shippedAt' | 'protectionEndsAt' | 'deliveredAt'
  | 'approvedAt' | 'suspendedAt' | 'resumedAt' | 'round' | 'endedAt' | 'completedAt' | 'reason' | 'cancelledAt' | 'closedAt', never>>;

export const orderFactCommand = (type: string, d: D, now: string): OrderFactsCommand | null => {
  const meta = { now };
  switch (type) {
    case 'OrderPlaced':
      return { type: 'RecordOrderPlaced', data: { orderId: d.orderId, buyerId: d.buyerId, sellerId: d.sellerId, total: d.total, protectionDays: d.protectionDays, policy: PolicySnapshotSchema.parse(d.policy), placedAt: d.placedAt }, meta };
    case 'OrderPaid': return { type: 'RecordOrderPaid', data: { orderId: d.orderId, amount: d.amount, paidAt: d.paidAt }, meta };
    case 'OrderShipped': return { type: 'RecordOrderShipped', data: { orderId: d.orderId, shippedAt: d.shippedAt, protectionEndsAt: d.protectionEndsAt }, meta };
    case 'OrderDelivered': return { type: 'RecordDelivered', data: { orderId: d.orderId, deliveredAt: d.deliveredAt }, meta };
    case 'ProtectionExtended': return { type: 'RecordProtectionChanged', data: { orderId: d.orderId, protectionEndsAt: d.protectionEndsAt, at: d.approvedAt }, meta };
    case 'ProtectionSuspended': return { type: 'RecordProtectionChanged', data: { orderId: d.orderId, protectionEndsAt: null, at: d.suspendedAt }, meta };
    case 'ProtectionResumed': return { type: 'RecordProtectionChanged', data: { orderId: d.orderId, protectionEndsAt: d.protectionEndsAt, at: d.resumedAt }, meta };
    case 'ProtectionEnded': return { type: 'RecordProtectionEnded', data: { orderId: d.orderId, round: d.round, endedAt: d.endedAt }, meta };
    case 'OrderCompleted': return { type: 'RecordOrderCompleted', data: { orderId: d.orderId, completedAt: d.completedAt, reason: d.reason }, meta };
    case 'OrderCancelled': return { type: 'RecordOrderClosed', data: { orderId: d.orderId, closedAt: d.cancelledAt, reason: 'CANCELLED' }, meta };
    case 'OrderClosed': return { type: 'RecordOrderClosed', data: { orderId: d.orderId, closedAt: d.closedAt, reason: d.reason }, meta };
    default: return null;
  }
};
