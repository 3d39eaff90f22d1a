// orders.v1 -> the dispute service's order facts (conventions: facts learnt from another service
// become our events). Pure, shared by the Kafka consumer and the simulation. One command per fact,
// stamped with the event's own time (contracts' consumedMeta); the order-facts decider makes
// redeliveries and repeats no-ops.
import {
  consumedMeta,
  type ConsumedEvent,
  type OrderCancelledData,
  type OrderClosedData,
  type OrderCompletedData,
  type OrderDeliveredData,
  type OrderPaidData,
  type OrderPlacedData,
  type OrderShippedData,
  type ProtectionEndedData,
  type ProtectionExtendedData,
  type ProtectionExtensionDeclinedData,
  type ProtectionExtensionLapsedData,
  type ProtectionResumedData,
  type ProtectionSuspendedData,
} from '@bp/contracts';
import { PolicySnapshotSchema } from '@bp/timers';
import type { OrderFactsCommand } from '../order-facts';

/** Order facts are recorded at the orders.v1 event's own time. */
const at = (e: ConsumedEvent) => ({ now: consumedMeta(e).now });

export const orderFactsFromOrders = {
  // O2: the policy snapshot frozen on the order is what the dispute's durations come from.
  OrderPlaced: (e: ConsumedEvent<OrderPlacedData>): OrderFactsCommand | null => ({
    type: 'RecordOrderPlaced',
    data: {
      orderId: e.data.orderId,
      buyerId: e.data.buyerId,
      sellerId: e.data.sellerId,
      total: e.data.total,
      protectionDays: e.data.protectionDays,
      policy: PolicySnapshotSchema.parse(e.data.policy),
      placedAt: e.data.placedAt,
    },
    meta: at(e),
  }),
  OrderPaid: (e: ConsumedEvent<OrderPaidData>): OrderFactsCommand | null => ({
    type: 'RecordOrderPaid',
    data: { orderId: e.data.orderId, amount: e.data.amount, paidAt: e.data.paidAt },
    meta: at(e),
  }),
  OrderShipped: (e: ConsumedEvent<OrderShippedData>): OrderFactsCommand | null => ({
    type: 'RecordOrderShipped',
    data: { orderId: e.data.orderId, shippedAt: e.data.shippedAt, protectionEndsAt: e.data.protectionEndsAt },
    meta: at(e),
  }),
  OrderDelivered: (e: ConsumedEvent<OrderDeliveredData>): OrderFactsCommand | null => ({
    type: 'RecordDelivered',
    data: { orderId: e.data.orderId, deliveredAt: e.data.deliveredAt },
    meta: at(e),
  }),
  ProtectionExtended: (e: ConsumedEvent<ProtectionExtendedData>): OrderFactsCommand | null => ({
    type: 'RecordProtectionChanged',
    data: { orderId: e.data.orderId, protectionEndsAt: e.data.protectionEndsAt, at: e.data.approvedAt },
    meta: at(e),
  }),
  // O8: a declined or lapsed request lets a dispute demand EXTEND_PROTECTION.
  ProtectionExtensionDeclined: (e: ConsumedEvent<ProtectionExtensionDeclinedData>): OrderFactsCommand | null => ({
    type: 'RecordExtensionRefused',
    data: { orderId: e.data.orderId, extensionId: e.data.extensionId, at: e.data.declinedAt },
    meta: at(e),
  }),
  ProtectionExtensionLapsed: (e: ConsumedEvent<ProtectionExtensionLapsedData>): OrderFactsCommand | null => ({
    type: 'RecordExtensionRefused',
    data: { orderId: e.data.orderId, extensionId: e.data.extensionId, at: e.data.lapsedAt },
    meta: at(e),
  }),
  // O9: suspended while a dispute is open (null = suspended), resumed with a new end.
  ProtectionSuspended: (e: ConsumedEvent<ProtectionSuspendedData>): OrderFactsCommand | null => ({
    type: 'RecordProtectionChanged',
    data: { orderId: e.data.orderId, protectionEndsAt: null, at: e.data.suspendedAt },
    meta: at(e),
  }),
  ProtectionResumed: (e: ConsumedEvent<ProtectionResumedData>): OrderFactsCommand | null => ({
    type: 'RecordProtectionChanged',
    data: { orderId: e.data.orderId, protectionEndsAt: e.data.protectionEndsAt, at: e.data.resumedAt },
    meta: at(e),
  }),
  // S3: the order's protection ran out: acknowledged with the dispute open on it (order-facts/protection-end.ts).
  ProtectionEnded: (e: ConsumedEvent<ProtectionEndedData>): OrderFactsCommand | null => ({
    type: 'RecordProtectionEnded',
    data: { orderId: e.data.orderId, round: e.data.round, endedAt: e.data.endedAt },
    meta: at(e),
  }),
  OrderCompleted: (e: ConsumedEvent<OrderCompletedData>): OrderFactsCommand | null => ({
    type: 'RecordOrderCompleted',
    data: { orderId: e.data.orderId, completedAt: e.data.completedAt, reason: e.data.reason },
    meta: at(e),
  }),
  OrderCancelled: (e: ConsumedEvent<OrderCancelledData>): OrderFactsCommand | null => ({
    type: 'RecordOrderClosed',
    data: { orderId: e.data.orderId, closedAt: e.data.cancelledAt, reason: 'CANCELLED' },
    meta: at(e),
  }),
  OrderClosed: (e: ConsumedEvent<OrderClosedData>): OrderFactsCommand | null => ({
    type: 'RecordOrderClosed',
    data: { orderId: e.data.orderId, closedAt: e.data.closedAt, reason: e.data.reason },
    meta: at(e),
  }),
} as const;
