// evolve: pure and total. An event that does not fit the current state (or an unknown type) leaves
// the state as it is; evolve never throws.
import { PolicySnapshotSchema, type PolicySnapshot } from '@bp/timers';
import type { EventOf, ExistingOrder, Extension, ExtensionOutcome, Fulfilment, InTransitState, OrderEvent, OrderState } from './order';

const t = (iso: string): number => Date.parse(iso);
const isInTransit = (s: OrderState): s is InTransitState => s.status === 'shipped' || s.status === 'delivered';

/**
 * O2: the snapshot read through the policy schema, so a key added to the policy after the order was
 * placed (e.g. O11's buyerRatingWindow) takes its default instead of being undefined; a snapshot the
 * schema refuses is kept as it was (evolve never throws).
 */
const readSnapshot = (policy: PolicySnapshot): PolicySnapshot => {
  const parsed = PolicySnapshotSchema.safeParse(policy);
  return parsed.success ? parsed.data : policy;
};

const placed = (s: OrderState, e: EventOf<'OrderPlaced'>): OrderState =>
  s.status !== 'initial'
    ? s
    : {
        status: 'placed',
        order: { ...e.data, policy: readSnapshot(e.data.policy), shippingAddress: null },
        mismatchedPayments: [],
        refunds: { ids: [], amount: 0 },
        review: null,
        reviewWindowClosedAt: null,
      };

const paid = (s: OrderState, { data }: EventOf<'OrderPaid'>): OrderState =>
  s.status !== 'placed' ? s : { ...s, status: 'paid', payment: { paymentId: data.paymentId, amount: data.amount, paidAt: data.paidAt, shipBy: data.shipBy } };

const fulfilmentOf = (s: ExistingOrder): Fulfilment | null =>
  isInTransit(s) || s.status === 'completed'
    ? { payment: s.payment, shipment: s.shipment, protection: s.protection, extensions: s.extensions, deliveredAt: s.deliveredAt }
    : s.status === 'closed'
      ? s.fulfilment
      : null;

const base = (s: ExistingOrder) => ({
  order: s.order,
  mismatchedPayments: s.mismatchedPayments,
  refunds: s.refunds,
  review: s.review,
  reviewWindowClosedAt: s.reviewWindowClosedAt,
});

const closedWith = (s: OrderState, closure: Extract<OrderState, { status: 'closed' }>['closure']): OrderState => {
  if (s.status === 'initial' || s.status === 'closed' || s.status === 'completed') return s;
  const fulfilment = fulfilmentOf(s);
  const payment = s.status === 'placed' ? null : s.payment;
  const clean = fulfilment && { ...fulfilment, protection: { ...fulfilment.protection, suspension: null } };
  return { ...base(s), status: 'closed', closure, payment, fulfilment: clean };
};

const shipped = (s: OrderState, { data }: EventOf<'OrderShipped'>): OrderState => {
  if (s.status !== 'paid') return s;
  const shipment = { carrier: data.carrier, trackingNumber: data.trackingNumber, shippedAt: data.shippedAt };
  const protection = {
    shippedAt: data.shippedAt,
    days: s.order.protectionDays,
    extensionDays: 0,
    resendDays: 0,
    suspendedMs: 0,
    endsAt: data.protectionEndsAt,
    suspension: null,
    ending: null,
    rounds: 0,
    resentDisputeIds: [],
  };
  return { ...base(s), status: 'shipped', payment: s.payment, shipment, protection, extensions: [], deliveredAt: null };
};

const inTransit = (s: OrderState, f: (s: InTransitState) => OrderState): OrderState => (isInTransit(s) ? f(s) : s);

const settleExtension = (s: InTransitState, id: string, outcome: ExtensionOutcome, days = 0, endsAt?: string): OrderState => {
  const ext = s.extensions.find((x) => x.extensionId === id && x.outcome === 'pending');
  if (!ext) return s;
  const extensions = s.extensions.map((x): Extension => (x === ext ? { ...x, outcome } : x));
  const protection = endsAt ? { ...s.protection, extensionDays: s.protection.extensionDays + days, endsAt } : s.protection;
  return { ...s, extensions, protection };
};

const resumed = (s: InTransitState, { data }: EventOf<'ProtectionResumed'>): OrderState => {
  const p = s.protection;
  if (!p.suspension) return s;
  const suspendedMs = p.suspendedMs + (t(data.resumedAt) - t(p.suspension.since));
  // O8: an extension agreed in a dispute counts as an approved extension (the cap, the invariant's term).
  if (data.cause === 'EXTENSION_AGREED') {
    const agreed: Extension = {
      extensionId: `dispute-${data.disputeId}`,
      days: data.extendedByDays,
      requestedAt: data.resumedAt,
      respondBy: data.resumedAt,
      outcome: 'approved',
    };
    const protection = { ...p, suspendedMs, extensionDays: p.extensionDays + data.extendedByDays, endsAt: data.protectionEndsAt, suspension: null };
    return { ...s, extensions: [...s.extensions, agreed], protection };
  }
  const resendDays = p.resendDays + data.extendedByDays;
  const resentDisputeIds = data.cause === 'RESEND_SHIPPED' ? [...(p.resentDisputeIds ?? []), data.disputeId] : p.resentDisputeIds;
  return { ...s, protection: { ...p, suspendedMs, resendDays, endsAt: data.protectionEndsAt, suspension: null, resentDisputeIds } };
};

const completed = (s: OrderState, { data }: EventOf<'OrderCompleted'>): OrderState => {
  if (!isInTransit(s)) return s;
  const completion = { reason: data.reason, completedAt: data.completedAt, disputeId: data.disputeId ?? null };
  const protection = { ...s.protection, suspension: null };
  return { ...s, status: 'completed', protection, completion };
};

const refunded = (s: OrderState, { data }: EventOf<'RefundRecorded'>): OrderState =>
  s.status === 'initial' || s.refunds.ids.includes(data.refundId)
    ? s
    : { ...s, refunds: { ids: [...s.refunds.ids, data.refundId], amount: s.refunds.amount + data.amount.amount } };

/** O11: a review is posted once the goods are received (delivered or completed); what follows it fits any status. */
const reviewEvent = (s: OrderState, e: EventOf<'ReviewPosted' | 'ReviewReplied' | 'ReviewPublished' | 'BuyerRated'>): OrderState => {
  if (s.status === 'initial') return s;
  if (e.type === 'ReviewPosted') {
    const { rating, text, postedAt, publishDueAt } = e.data;
    const received = s.status === 'delivered' || s.status === 'completed';
    return s.review || !received ? s : { ...s, review: { rating, text, postedAt, publishDueAt, reply: null, buyerRating: null, publishedAt: null } };
  }
  if (!s.review) return s;
  switch (e.type) {
    case 'ReviewReplied':
      return { ...s, review: { ...s.review, reply: { text: e.data.text, repliedAt: e.data.repliedAt } } };
    case 'BuyerRated':
      return s.review.buyerRating ? s : { ...s, review: { ...s.review, buyerRating: { rating: e.data.rating, text: e.data.text, ratedAt: e.data.ratedAt } } };
    case 'ReviewPublished':
      return s.review.publishedAt ? s : { ...s, review: { ...s.review, publishedAt: e.data.publishedAt } };
  }
};

export const evolve = (s: OrderState, e: OrderEvent): OrderState => {
  switch (e.type) {
    case 'OrderPlaced':
      return placed(s, e);
    case 'ShippingAddressRecorded':
      return s.status === 'initial' ? s : { ...s, order: { ...s.order, shippingAddress: e.data.shippingAddress } };
    case 'OrderPaid':
      return paid(s, e);
    case 'PaymentAmountMismatched':
      return s.status === 'initial' ? s : { ...s, mismatchedPayments: [...s.mismatchedPayments, e.data.paymentId] };
    case 'OrderCancelled':
      return s.status !== 'placed' && s.status !== 'paid'
        ? s
        : closedWith(s, { reason: 'CANCELLED', closedAt: e.data.cancelledAt, refundDue: e.data.paid, cancelledBy: e.data.cancelledBy });
    case 'OrderClosed':
      return closedWith(s, { reason: e.data.reason, closedAt: e.data.closedAt, refundDue: e.data.refundDue, cancelledBy: null });
    case 'OrderShipped':
      return shipped(s, e);
    case 'OrderDelivered':
      return s.status !== 'shipped' ? s : { ...s, status: 'delivered', deliveredAt: e.data.deliveredAt };
    case 'ProtectionExtensionRequested':
      return inTransit(s, (x) => ({
        ...x,
        extensions: [
          ...x.extensions,
          {
            extensionId: e.data.extensionId,
            days: e.data.days,
            requestedAt: e.data.requestedAt,
            respondBy: e.data.respondBy,
            outcome: 'pending',
          },
        ],
      }));
    case 'ProtectionExtended':
      return inTransit(s, (x) => settleExtension(x, e.data.extensionId, 'approved', e.data.days, e.data.protectionEndsAt));
    case 'ProtectionExtensionDeclined':
      return inTransit(s, (x) => settleExtension(x, e.data.extensionId, 'declined'));
    case 'ProtectionExtensionLapsed':
      return inTransit(s, (x) => settleExtension(x, e.data.extensionId, 'lapsed'));
    // S3: a dispute known to the order ends a pending protection-end round (its answer is then stale).
    case 'ProtectionSuspended':
      return inTransit(s, (x) =>
        x.protection.suspension
          ? x
          : {
              ...x,
              protection: {
                ...x.protection,
                ending: null,
                suspension: { disputeId: e.data.disputeId, since: e.data.suspendedAt, remainingMs: e.data.remainingMs },
              },
            },
      );
    case 'ProtectionEnded':
      return inTransit(s, (x) =>
        x.protection.suspension ? x : { ...x, protection: { ...x.protection, ending: { round: e.data.round, since: e.data.endedAt }, rounds: e.data.round } },
      );
    case 'ProtectionResumed':
      return inTransit(s, (x) => resumed(x, e));
    case 'OrderCompleted':
      return completed(s, e);
    case 'RefundRecorded':
      return refunded(s, e);
    case 'ReviewPosted':
    case 'ReviewReplied':
    case 'ReviewPublished':
    case 'BuyerRated':
      return reviewEvent(s, e);
    case 'ReviewWindowClosed':
      return s.status === 'initial' || s.review || s.reviewWindowClosedAt ? s : { ...s, reviewWindowClosedAt: e.data.closedAt };
    default:
      return s;
  }
};
