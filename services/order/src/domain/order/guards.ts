// The named guards of the transition table (process.ts), and the refusal for a command sent in the
// wrong lifecycle position. Guards return a refusal code or null; deadlines() calls the state-only
// ones without `now`.
import type { OrderErrorCode } from './errors';
import type { ExistingOrder, Extension, InTransitState, OrderState } from './order';
import { type From, type GuardName, dueAt, transitionsOf } from './process';
import type { OrderCommandType } from './commands';

const ms = (iso: string): number => Date.parse(iso);

export const isInTransit = (s: OrderState): s is InTransitState => s.status === 'shipped' || s.status === 'delivered';
export const isDisputeOpen = (s: OrderState): boolean => isInTransit(s) && s.protection.suspension !== null;
export const pendingExtension = (s: OrderState): Extension | undefined => (isInTransit(s) ? s.extensions.find((x) => x.outcome === 'pending') : undefined);
/**
 * O11 [002]: when the buyer received the goods: delivery reported or receipt confirmed, whichever came
 * first (a delivery report after completion changes nothing, so deliveredAt is never later); from
 * completion when there was no report (auto-confirmed or settled). null before either.
 */
export const receivedAt = (s: OrderState): string | null =>
  s.status === 'delivered' ? s.deliveredAt : s.status === 'completed' ? (s.deliveredAt ?? s.completion.completedAt) : null;
export const approvedExtensions = (s: OrderState): number =>
  isInTransit(s) || s.status === 'completed' ? s.extensions.filter((x) => x.outcome === 'approved').length : 0;

type Guard = (s: ExistingOrder, now?: number) => OrderErrorCode | null;

/** O6: protected = shipped, no open dispute (O9), protection not over. */
const protectedNow: Guard = (s, now) => {
  if (!isInTransit(s)) return 'ORDER_NOT_SHIPPED';
  if (s.protection.suspension) return 'DISPUTE_OPEN';
  return now !== undefined && now >= ms(s.protection.endsAt) ? 'PROTECTION_EXPIRED' : null;
};

export const guards: Record<GuardName, Guard> = {
  protected: protectedNow,
  // O8: at most one pending request, at most maxApprovedExtensions approved (snapshot).
  extension_requestable: (s, now) =>
    protectedNow(s, now) ??
    (pendingExtension(s) ? 'EXTENSION_PENDING' : null) ??
    (approvedExtensions(s) >= s.order.policy.order.maxApprovedExtensions ? 'EXTENSION_LIMIT_REACHED' : null),
  extension_answerable: (s, now) => (pendingExtension(s) ? protectedNow(s, now) : 'EXTENSION_NOT_PENDING'),
  extension_pending: (s) => (pendingExtension(s) ? null : 'EXTENSION_NOT_PENDING'),
  no_dispute: (s) => (isDisputeOpen(s) ? 'DISPUTE_OPEN' : null),
  // O7, S3: protection runs: no dispute open and no protection-end round waiting for its answer.
  protection_running: (s) => (isDisputeOpen(s) ? 'DISPUTE_OPEN' : isInTransit(s) && s.protection.ending ? 'PROTECTION_EXPIRED' : null),
  dispute_open: (s) => (isDisputeOpen(s) ? null : 'DISPUTE_OPEN'),
  // O11: one review, within reviewWindow after the goods were received (ORDER_NOT_COMPLETED before: the
  // code a review before receipt always had).
  review_open: (s, now) => {
    const since = receivedAt(s);
    if (since === null) return 'ORDER_NOT_COMPLETED';
    if (s.review) return 'REVIEW_ALREADY_POSTED';
    if (s.reviewWindowClosedAt) return 'REVIEW_WINDOW_CLOSED';
    const closesAt = ms(dueAt(since, 'order.reviewWindow', s.order));
    return now !== undefined && now >= closesAt ? 'REVIEW_WINDOW_CLOSED' : null;
  },
  review_awaiting_reply: (s) => {
    if (!s.review) return 'REVIEW_NOT_FOUND';
    return s.review.reply ? 'REVIEW_ALREADY_REPLIED' : null;
  },
  // O11: the seller rates the buyer back once, within buyerRatingWindow after the review was written.
  buyer_ratable: (s, now) => {
    if (!s.review) return 'REVIEW_NOT_FOUND';
    if (s.review.buyerRating) return 'BUYER_ALREADY_RATED';
    const closesAt = ms(dueAt(s.review.postedAt, 'order.buyerRatingWindow', s.order));
    return now !== undefined && now >= closesAt ? 'BUYER_RATING_WINDOW_CLOSED' : null;
  },
  review_unpublished: (s) => (s.review && !s.review.publishedAt ? null : 'REVIEW_NOT_FOUND'),
};

const RANK: Record<From, number> = { initial: 0, placed: 1, paid: 2, shipped: 3, delivered: 3, completed: 4, closed: 4 };
const NOT_YET: Record<number, OrderErrorCode> = { 2: 'ORDER_NOT_PAID', 3: 'ORDER_NOT_SHIPPED', 4: 'ORDER_NOT_COMPLETED' };

/** Why `command` cannot run in `status`: derived from the table's `from` lists. */
export const positionRefusal = (command: OrderCommandType, status: From): OrderErrorCode => {
  if (status === 'initial') return 'ORDER_NOT_FOUND';
  if (command === 'PlaceOrder') return 'ORDER_ALREADY_EXISTS';
  const min = Math.min(...transitionsOf(command).flatMap((t) => t.from.map((f) => RANK[f])));
  if (RANK[status] < min) return NOT_YET[min] ?? 'ORDER_NOT_FOUND';
  if (status === 'closed') return 'ORDER_CLOSED';
  if (status === 'completed') return 'ORDER_COMPLETED';
  return 'ORDER_ALREADY_SHIPPED';
};
