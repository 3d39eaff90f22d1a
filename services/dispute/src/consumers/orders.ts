import {
  OrderCancelled,
  OrderClosed,
  OrderCompleted,
  OrderDelivered,
  OrderPaid,
  OrderPlaced,
  OrderShipped,
  ProtectionExtended,
  ProtectionExtensionDeclined,
  ProtectionExtensionLapsed,
  ProtectionEnded,
  ProtectionResumed,
  ProtectionSuspended,
} from '@bp/contracts';
import { on, type Handlers, type IncomingEvent } from '@bp/messaging';
import { PolicySnapshotSchema } from '@bp/timers';
import type { PoolClient } from 'pg';
import type { DisputeHandlers } from '../app/handlers';
import { consumedMetadata } from './metadata';
import type { OrderFactsCommand } from '../domain';

/**
 * orders.v1 -> the service's own order facts (conventions: facts learnt from another service become
 * our events). One command per fact; the order-facts decider makes redeliveries and repeats no-ops.
 */
export const orderHandlers = (handlers: DisputeHandlers): Handlers => {
  const record =
    <T>(toCommand: (data: T, now: string) => OrderFactsCommand) =>
    async (tx: PoolClient, e: IncomingEvent<T>) => {
      await handlers.orderFacts(toCommand(e.data, e.time), { tx, metadata: consumedMetadata(e) });
    };
  return {
    ...on(OrderPlaced, record((d, now) => ({
      type: 'RecordOrderPlaced',
      // O2: the policy snapshot frozen on the order is what the dispute's durations come from.
      data: { orderId: d.orderId, buyerId: d.buyerId, sellerId: d.sellerId, total: d.total, protectionDays: d.protectionDays, policy: PolicySnapshotSchema.parse(d.policy), placedAt: d.placedAt },
      meta: { now },
    }))),
    ...on(OrderPaid, record((d, now) => ({ type: 'RecordOrderPaid', data: { orderId: d.orderId, amount: d.amount, paidAt: d.paidAt }, meta: { now } }))),
    ...on(OrderShipped, record((d, now) => ({ type: 'RecordOrderShipped', data: { orderId: d.orderId, shippedAt: d.shippedAt, protectionEndsAt: d.protectionEndsAt }, meta: { now } }))),
    ...on(OrderDelivered, record((d, now) => ({ type: 'RecordDelivered', data: { orderId: d.orderId, deliveredAt: d.deliveredAt }, meta: { now } }))),
    ...on(ProtectionExtended, record((d, now) => ({ type: 'RecordProtectionChanged', data: { orderId: d.orderId, protectionEndsAt: d.protectionEndsAt, at: d.approvedAt }, meta: { now } }))),
    // O8: a declined or lapsed request lets a dispute demand EXTEND_PROTECTION.
    ...on(ProtectionExtensionDeclined, record((d, now) => ({ type: 'RecordExtensionRefused', data: { orderId: d.orderId, extensionId: d.extensionId, at: d.declinedAt }, meta: { now } }))),
    ...on(ProtectionExtensionLapsed, record((d, now) => ({ type: 'RecordExtensionRefused', data: { orderId: d.orderId, extensionId: d.extensionId, at: d.lapsedAt }, meta: { now } }))),
    // O9: suspended while a dispute is open (null = suspended), resumed with a new end.
    ...on(ProtectionSuspended, record((d, now) => ({ type: 'RecordProtectionChanged', data: { orderId: d.orderId, protectionEndsAt: null, at: d.suspendedAt }, meta: { now } }))),
    ...on(ProtectionResumed, record((d, now) => ({ type: 'RecordProtectionChanged', data: { orderId: d.orderId, protectionEndsAt: d.protectionEndsAt, at: d.resumedAt }, meta: { now } }))),
    // S3: the order's protection ran out: acknowledge with the dispute open on it (order-facts/protection-end.ts).
    ...on(ProtectionEnded, record((d, now) => ({ type: 'RecordProtectionEnded', data: { orderId: d.orderId, round: d.round, endedAt: d.endedAt }, meta: { now } }))),
    ...on(OrderCompleted, record((d, now) => ({ type: 'RecordOrderCompleted', data: { orderId: d.orderId, completedAt: d.completedAt, reason: d.reason }, meta: { now } }))),
    ...on(OrderCancelled, record((d, now) => ({ type: 'RecordOrderClosed', data: { orderId: d.orderId, closedAt: d.cancelledAt, reason: 'CANCELLED' }, meta: { now } }))),
    ...on(OrderClosed, record((d, now) => ({ type: 'RecordOrderClosed', data: { orderId: d.orderId, closedAt: d.closedAt, reason: d.reason }, meta: { now } }))),
  };
};
