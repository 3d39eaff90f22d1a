// decide: one function per command, dispatched with a `never` check. Refusals throw DomainError
// (codes in errors.ts); stale or repeated commands that should be harmless return [].
import type { Decider } from '@bp/eventstore';
import type { Money } from '@bp/contracts';
import { allow, existing, position } from './authorize';
import type { CommandOf, OrderCommand } from './commands';
import { orderError } from './errors';
import { isDisputeOpen, isInTransit } from './guards';
import { evolve } from './evolve';
import { initialState, type OrderEvent, type OrderState } from './order';
import { dueAt } from './process';
import { placeOrder } from './decide-place';
import { approveExtension, declineExtension, recordExtensionAgreed, requestExtension } from './decide-extension';
import { recordDisputeOpened, recordDisputeSettled, recordDisputeWithdrawn, recordResendShipped } from './decide-dispute';
import { postReview, rateBuyer, replyToReview } from './decide-review';
import { fireDeadline } from './fire-deadline';
import { recordAppealDecided, recordAppealFiled, recordProtectionEndAcknowledged } from './decide-protection-end';
import { iso, plusDays } from './time';
import { closedEvent, completedEvent, parties } from './facts';

const sameMoney = (a: Money, b: Money): boolean => a.amount === b.amount && a.currency === b.currency;

/** O3: a capture pays the order; a wrong amount is recorded (escrow returns it, E4); late or repeated ones change nothing. */
const confirmPayment = (cmd: CommandOf<'ConfirmPayment'>, state: OrderState): OrderEvent[] => {
  const s = existing(cmd, state);
  if (s.status !== 'placed') return [];
  const { paymentId, amount } = cmd.data;
  if (!sameMoney(amount, s.order.total)) {
    if (s.mismatchedPayments.includes(paymentId)) return [];
    return [{ type: 'PaymentAmountMismatched', data: { orderId: s.order.orderId, paymentId, amount, expected: s.order.total, recordedAt: iso(cmd.meta.now) } }];
  }
  position(cmd, s);
  const paidAt = iso(cmd.data.capturedAt ?? cmd.meta.now);
  // O4: the seller ships within handlingDays of payment
  return [{ type: 'OrderPaid', data: { ...parties(s), paymentId, amount, paidAt, shipBy: dueAt(paidAt, 'handlingDays', s.order) } }];
};

/** O4: buyer or seller, before shipment; escrow refunds in full when `paid`. A repeated cancel is harmless. */
const cancelOrder = (cmd: CommandOf<'CancelOrder'>, state: OrderState): OrderEvent[] => {
  const pre = existing(cmd, state);
  if (pre.status === 'closed' && pre.closure.reason === 'CANCELLED') return [];
  const { s } = allow(cmd, state);
  const cancelledBy = cmd.meta.actor.role === 'seller' ? 'seller' : 'buyer';
  return [{ type: 'OrderCancelled', data: { ...parties(s), cancelledBy, paid: s.status === 'paid', total: s.order.total, cancelledAt: iso(cmd.meta.now) } }];
};

/** O5: shipment starts protection: protectionEndsAt = shippedAt + protectionDays. */
const shipOrder = (cmd: CommandOf<'ShipOrder'>, state: OrderState): OrderEvent[] => {
  const { s } = allow(cmd, state);
  const shippedAt = iso(cmd.meta.now);
  const { carrier, trackingNumber } = cmd.data;
  return [{ type: 'OrderShipped', data: { ...parties(s), carrier, trackingNumber, shippedAt, protectionEndsAt: plusDays(shippedAt, s.order.protectionDays) } }];
};

/** O10: information only; a report after delivery, completion or closure changes nothing. */
const reportDelivery = (cmd: CommandOf<'ReportDelivery'>, state: OrderState): OrderEvent[] => {
  const pre = existing(cmd, state);
  if (pre.status === 'delivered' || pre.status === 'completed' || pre.status === 'closed') return [];
  allow(cmd, state);
  const deliveredAt = iso(cmd.data.deliveredAt ?? cmd.meta.now);
  return [{ type: 'OrderDelivered', data: { orderId: pre.order.orderId, deliveredAt, reportedBy: cmd.meta.actor.role } }];
};

/** O6: only the buyer, only while protected, no open dispute; irreversible; a repeated confirm is harmless. */
const confirmReceipt = (cmd: CommandOf<'ConfirmReceipt'>, state: OrderState): OrderEvent[] => {
  const pre = existing(cmd, state);
  if (pre.status === 'completed' && pre.completion.reason === 'CONFIRMED') return [];
  if (pre.status === 'completed' && pre.completion.reason === 'AUTO_CONFIRMED')
    throw orderError('PROTECTION_EXPIRED', 'protection ended: receipt was confirmed automatically');
  const { s } = allow(cmd, state);
  return [completedEvent(s, 'CONFIRMED', cmd.meta.now)];
};

/**
 * escrow RefundCompleted: recorded once per refundId; a full refund of an open order closes it
 * REFUNDED — but never while a dispute is open (O9), and never for a refund paid for a dispute (a fast
 * refund, R6, is paid before the return arrives): the dispute's settlement, not the refund, decides
 * how the order ends, and it may still be on its way on disputes.v1 while escrow.v1 is ahead (S3;
 * found by the whole-system simulation: the order closed REFUNDED while escrow released to the seller).
 */
const recordRefundCompleted = (cmd: CommandOf<'RecordRefundCompleted'>, state: OrderState): OrderEvent[] => {
  const s = existing(cmd, state);
  const { refundId, amount } = cmd.data;
  if (s.refunds.ids.includes(refundId)) return [];
  const at = iso(cmd.data.completedAt ?? cmd.meta.now);
  const recorded: OrderEvent = { type: 'RefundRecorded', data: { orderId: s.order.orderId, refundId, amount, recordedAt: at } };
  const open = (s.status === 'paid' || isInTransit(s)) && !isDisputeOpen(s) && !cmd.data.ofDispute;
  const full = open && s.refunds.amount + amount.amount >= s.payment.amount.amount;
  return full ? [recorded, closedEvent(s, 'REFUNDED', false, at)] : [recorded];
};

export const decide = (command: OrderCommand, state: OrderState): OrderEvent[] => {
  switch (command.type) {
    case 'PlaceOrder':
      return placeOrder(command, state);
    case 'ConfirmPayment':
      return confirmPayment(command, state);
    case 'CancelOrder':
      return cancelOrder(command, state);
    case 'ShipOrder':
      return shipOrder(command, state);
    case 'ReportDelivery':
      return reportDelivery(command, state);
    case 'ConfirmReceipt':
      return confirmReceipt(command, state);
    case 'RequestExtension':
      return requestExtension(command, state);
    case 'ApproveExtension':
      return approveExtension(command, state);
    case 'DeclineExtension':
      return declineExtension(command, state);
    case 'RecordDisputeOpened':
      return recordDisputeOpened(command, state);
    case 'RecordDisputeWithdrawn':
      return recordDisputeWithdrawn(command, state);
    case 'RecordDisputeSettled':
      return recordDisputeSettled(command, state);
    case 'RecordResendShipped':
      return recordResendShipped(command, state);
    case 'RecordExtensionAgreed':
      return recordExtensionAgreed(command, state);
    case 'RecordRefundCompleted':
      return recordRefundCompleted(command, state);
    case 'RecordProtectionEndAcknowledged':
      return recordProtectionEndAcknowledged(command, state);
    case 'RecordAppealFiled':
      return recordAppealFiled(command, state);
    case 'RecordAppealDecided':
      return recordAppealDecided(command, state);
    case 'PostReview':
      return postReview(command, state);
    case 'ReplyToReview':
      return replyToReview(command, state);
    case 'RateBuyer':
      return rateBuyer(command, state);
    case 'FireDeadline':
      return fireDeadline(command, state);
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
};

export const orderDecider: Decider<OrderCommand, OrderEvent, OrderState> = { decide, evolve, initialState };
