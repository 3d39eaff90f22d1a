// The order lifecycle as data on the shared kit (@bp/lifecycle): one table drives the guards in
// decide, allowedActions in the views, deadlines(state), the reachability test and the Mermaid
// diagram in the README.
import type { Role } from '@bp/contracts';
import {
  defineTable,
  timedTransitions as timedOf,
  transitionsOfCommand,
  type DeadlineSpec as LifecycleDeadline,
  type NameOf,
  type Timed,
  type Transition as LifecycleTransition,
} from '@bp/lifecycle';
import { addMs, durationMs } from '@bp/timers';
import type { OrderCommandType } from './commands';
import type { OrderEventType, OrderInfo, Status } from './order';

export type Party = Role | 'system';
export type From = Status | 'initial';

/** Named guards (implemented in guards.ts): a state check that yields a refusal code or null. */
export type GuardName =
  | 'protected' // O6: no open dispute, protection not over
  | 'extension_requestable' // O8: protected, none pending, under the cap
  | 'extension_answerable' // O8: a pending request, protected
  | 'extension_pending' // O8: a pending request
  | 'no_dispute' // O9
  | 'protection_running' // O7, S3: no dispute open, no protection-end round pending
  | 'dispute_open' // O9
  | 'review_open' // O11: goods received, within the review window, none yet
  | 'review_awaiting_reply' // O11
  | 'buyer_ratable' // O11: a review, the buyer not rated back yet, within the reciprocal rating window
  | 'review_unpublished'; // O11

/** The moment a deadline counts from (a state field) and the period added (policy snapshot or order). */
export type Since = 'placedAt' | 'paidAt' | 'protectionEndsAt' | 'extensionRequestedAt' | 'receivedAt' | 'reviewPostedAt';
export type Period =
  | 'order.paymentWindow'
  | 'handlingDays'
  | 'order.extensionResponseWindow'
  | 'order.reviewWindow'
  | 'order.reviewPublishAfter'
  | 'order.buyerRatingWindow';

export type DeadlineKind = 'payment' | 'shipment' | 'protection_end' | 'extension_response' | 'review_window' | 'review_publication';

/** The order's words for the kit's table. */
export interface OrderLifecycle {
  status: Status;
  role: Role;
  command: OrderCommandType;
  action: never;
  guard: GuardName;
  since: Since;
  period: Period;
  deadlineKind: DeadlineKind;
  /** The events a transition may record (test/domain/effects.unit.test.ts walks the decider through each row). */
  effect: OrderEventType;
}
/** A timer: who must act before it expires (API.md deadline shape); period null = due at `since`. */
export type DeadlineSpec = LifecycleDeadline<OrderLifecycle>;

const inTransit = ['shipped', 'delivered'] as const;
const system = ['system'] as const;
/** O11: the goods were received (delivery reported or completed); a review may follow. */
const received = ['delivered', 'completed'] as const;
/** O11: where a review may be (a closure after it keeps it). */
const reviewed = ['delivered', 'completed', 'closed'] as const;

export const transitions = defineTable<OrderLifecycle>()([
  { name: 'place', command: 'PlaceOrder', from: ['initial'], to: 'placed', actor: ['buyer'], effects: ['OrderPlaced', 'ShippingAddressRecorded'], rule: 'O2' },
  { name: 'pay', command: 'ConfirmPayment', from: ['placed'], to: 'paid', actor: system, effects: ['OrderPaid', 'PaymentAmountMismatched'], rule: 'O3' },
  { name: 'cancel', command: 'CancelOrder', from: ['placed', 'paid'], to: 'closed', actor: ['buyer', 'seller'], effects: ['OrderCancelled'], rule: 'O4' },
  {
    name: 'expire_payment',
    command: 'FireDeadline',
    from: ['placed'],
    to: 'closed',
    actor: system,
    effects: ['OrderClosed'],
    rule: 'O2',
    deadline: { kind: 'payment', since: 'placedAt', period: 'order.paymentWindow', actor: 'buyer', onExpiry: 'order_closed_unpaid' },
  },
  { name: 'ship', command: 'ShipOrder', from: ['paid'], to: 'shipped', actor: ['seller'], effects: ['OrderShipped'], rule: 'O5' },
  {
    name: 'expire_handling',
    command: 'FireDeadline',
    from: ['paid'],
    to: 'closed',
    actor: system,
    effects: ['OrderClosed'],
    rule: 'O4',
    deadline: { kind: 'shipment', since: 'paidAt', period: 'handlingDays', actor: 'seller', onExpiry: 'order_closed_refunded' },
  },
  {
    name: 'report_delivery',
    command: 'ReportDelivery',
    from: ['shipped'],
    to: 'delivered',
    actor: ['buyer', 'seller', 'agent', 'partner'],
    effects: ['OrderDelivered'],
    rule: 'O10',
  },
  {
    name: 'confirm_receipt',
    command: 'ConfirmReceipt',
    from: inTransit,
    to: 'completed',
    actor: ['buyer'],
    guard: 'protected',
    effects: ['OrderCompleted'],
    rule: 'O6',
  },
  // O7, S3: protection running out asks the dispute service first (ProtectionEnded); the order
  // completes on its acknowledgement naming no dispute, or suspends for the dispute it names.
  {
    name: 'protection_end',
    command: 'FireDeadline',
    from: inTransit,
    to: 'same',
    actor: system,
    guard: 'protection_running',
    effects: ['ProtectionEnded'],
    rule: 'O7',
    deadline: { kind: 'protection_end', since: 'protectionEndsAt', period: null, actor: 'buyer', onExpiry: 'auto_confirmed' },
  },
  {
    name: 'auto_confirm',
    command: 'RecordProtectionEndAcknowledged',
    from: inTransit,
    to: 'completed',
    actor: system,
    effects: ['OrderCompleted'],
    rule: 'S3',
  },
  {
    name: 'late_dispute_suspends',
    command: 'RecordProtectionEndAcknowledged',
    from: inTransit,
    to: 'same',
    actor: system,
    effects: ['ProtectionSuspended'],
    rule: 'S3',
  },
  {
    name: 'request_extension',
    command: 'RequestExtension',
    from: inTransit,
    to: 'same',
    actor: ['buyer'],
    guard: 'extension_requestable',
    effects: ['ProtectionExtensionRequested'],
    rule: 'O8',
  },
  {
    name: 'approve_extension',
    command: 'ApproveExtension',
    from: inTransit,
    to: 'same',
    actor: ['seller'],
    guard: 'extension_answerable',
    effects: ['ProtectionExtended'],
    rule: 'O8',
  },
  {
    name: 'decline_extension',
    command: 'DeclineExtension',
    from: inTransit,
    to: 'same',
    actor: ['seller'],
    guard: 'extension_pending',
    effects: ['ProtectionExtensionDeclined'],
    rule: 'O8',
  },
  {
    name: 'lapse_extension',
    command: 'FireDeadline',
    from: inTransit,
    to: 'same',
    actor: system,
    guard: 'extension_pending',
    effects: ['ProtectionExtensionLapsed'],
    rule: 'O8',
    deadline: {
      kind: 'extension_response',
      since: 'extensionRequestedAt',
      period: 'order.extensionResponseWindow',
      actor: 'seller',
      onExpiry: 'extension_lapsed',
    },
  },
  {
    name: 'suspend_protection',
    command: 'RecordDisputeOpened',
    from: inTransit,
    to: 'same',
    actor: system,
    guard: 'no_dispute',
    effects: ['ProtectionSuspended'],
    rule: 'O9',
  },
  {
    name: 'resume_protection',
    command: 'RecordDisputeWithdrawn',
    from: inTransit,
    to: 'same',
    actor: system,
    guard: 'dispute_open',
    effects: ['ProtectionResumed', 'ProtectionEnded'],
    rule: 'O9',
  },
  // O8: a dispute that ends with the declined extension resumes protection that much longer (an approved extension).
  {
    name: 'extension_agreed',
    command: 'RecordExtensionAgreed',
    from: inTransit,
    to: 'same',
    actor: system,
    guard: 'dispute_open',
    effects: ['ProtectionResumed'],
    rule: 'O8',
  },
  {
    name: 'resend',
    command: 'RecordResendShipped',
    from: inTransit,
    to: 'same',
    actor: system,
    guard: 'dispute_open',
    effects: ['ProtectionResumed'],
    rule: 'D9',
  },
  // R7, S3: an appeal of a dispute a resend resolved reopens it on the order; an upheld resend resumes.
  {
    name: 'appeal_reopens_dispute',
    command: 'RecordAppealFiled',
    from: inTransit,
    to: 'same',
    actor: system,
    guard: 'no_dispute',
    effects: ['ProtectionSuspended'],
    rule: 'R7',
  },
  {
    name: 'appeal_upholds_resend',
    command: 'RecordAppealDecided',
    from: inTransit,
    to: 'same',
    actor: system,
    guard: 'dispute_open',
    effects: ['ProtectionResumed', 'ProtectionEnded'],
    rule: 'R8',
  },
  {
    name: 'settle_release',
    command: 'RecordDisputeSettled',
    from: inTransit,
    to: 'completed',
    actor: system,
    guard: 'dispute_open',
    effects: ['OrderCompleted'],
    rule: 'E3',
  },
  {
    name: 'settle_refund',
    command: 'RecordDisputeSettled',
    from: inTransit,
    to: 'closed',
    actor: system,
    guard: 'dispute_open',
    effects: ['OrderClosed'],
    rule: 'E3',
  },
  {
    name: 'refund_in_full',
    command: 'RecordRefundCompleted',
    from: ['paid', ...inTransit],
    to: 'closed',
    actor: system,
    effects: ['RefundRecorded', 'OrderClosed'],
    rule: 'E3',
  },
  // O11 [002]: the review window counts from receipt (delivery reported or receipt confirmed, whichever
  // first); a review outlives a later closure: the seller may still reply or rate, and it is published.
  { name: 'post_review', command: 'PostReview', from: received, to: 'same', actor: ['buyer'], guard: 'review_open', effects: ['ReviewPosted'], rule: 'O11' },
  {
    name: 'close_review_window',
    command: 'FireDeadline',
    from: received,
    to: 'same',
    actor: system,
    guard: 'review_open',
    effects: ['ReviewWindowClosed'],
    rule: 'O11',
    deadline: { kind: 'review_window', since: 'receivedAt', period: 'order.reviewWindow', actor: 'buyer', onExpiry: 'review_window_closed' },
  },
  {
    name: 'reply_review',
    command: 'ReplyToReview',
    from: reviewed,
    to: 'same',
    actor: ['seller'],
    guard: 'review_awaiting_reply',
    effects: ['ReviewReplied', 'ReviewPublished'],
    rule: 'O11',
  },
  {
    name: 'rate_buyer',
    command: 'RateBuyer',
    from: reviewed,
    to: 'same',
    actor: ['seller'],
    guard: 'buyer_ratable',
    effects: ['BuyerRated', 'ReviewPublished'],
    rule: 'O11',
  },
  {
    name: 'publish_review',
    command: 'FireDeadline',
    from: reviewed,
    to: 'same',
    actor: system,
    guard: 'review_unpublished',
    effects: ['ReviewPublished'],
    rule: 'O11',
    deadline: { kind: 'review_publication', since: 'reviewPostedAt', period: 'order.reviewPublishAfter', actor: 'system', onExpiry: 'review_published' },
  },
]);

/** Every transition's name, as a union (a misspelling fails the type check). */
export type TransitionName = NameOf<typeof transitions>;
/** `command`: the command that performs it (FireDeadline for timed ones); `to: 'same'` is a self-loop. */
export type Transition = LifecycleTransition<OrderLifecycle, TransitionName>;

export const TERMINAL: readonly Status[] = ['completed', 'closed'];

export const transitionsOf = (command: OrderCommandType): Transition[] => transitionsOfCommand(transitions, command);
export const timedTransitions = (): Timed<OrderLifecycle, TransitionName>[] => timedOf(transitions);
export const deadlineSpec = (kind: string): Timed<OrderLifecycle, TransitionName> | undefined => timedTransitions().find((t) => t.deadline.kind === kind);

/** A period in ms, from the order's policy snapshot or its own fields (never a literal). */
export const periodMs = (period: Period, order: Pick<OrderInfo, 'policy' | 'handlingDays'>): number => {
  switch (period) {
    case 'order.paymentWindow':
      return durationMs(order.policy.order.paymentWindow);
    case 'handlingDays':
      return durationMs(`P${order.handlingDays}D`);
    case 'order.extensionResponseWindow':
      return durationMs(order.policy.order.extensionResponseWindow);
    case 'order.reviewWindow':
      return durationMs(order.policy.order.reviewWindow);
    case 'order.reviewPublishAfter':
      return durationMs(order.policy.order.reviewPublishAfter);
    case 'order.buyerRatingWindow':
      return durationMs(order.policy.order.buyerRatingWindow);
  }
};

/** since + period, as an ISO string: the one way every deadline time is computed. */
export const dueAt = (since: string, period: Period | null, order: Pick<OrderInfo, 'policy' | 'handlingDays'>): string =>
  period ? addMs(since, periodMs(period, order)) : new Date(since).toISOString();
