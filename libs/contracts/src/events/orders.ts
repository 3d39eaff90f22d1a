// Public events on the orders.v1 topic (docs/conventions.md, catalogue). Owned by the order service.
// Key = orderId. Money is integer minor units; times ISO 8601 UTC.
//
// Personal data: the shipping address never appears here. The order service keeps it in a separate
// PRIVATE event (`ShippingAddressRecorded`, services/order/src/domain/order/private-events.ts) that
// has no topic, so the relay can never publish it. A separate event is safer than relying on zod's
// default key stripping: the same schema validates what the service appends to its own log, and a
// stripping schema would silently drop the address from the log too. The object schemas below still
// strip unknown keys (zod default), a second line of defence.
import { z } from 'zod';
import { Money } from '../money';
import { Topics } from '../topics';
import { defineEvent } from '../registry';
import { ProtectionEnded } from './protection-end';

const Iso = z.iso.datetime();
const Id = z.string().min(1);
const byOrder = (d: { orderId: string }) => d.orderId;
const ce = (action: string) => `marketplace.order.${action}.v1`;

/**
 * The policy snapshot frozen on the order (O2). Its full schema is `PolicySnapshotSchema` in
 * @bp/timers (contracts cannot depend on timers); here the sections are kept as they are
 * (loose objects), and consumers parse them with `PolicySnapshotSchema`.
 */
export const OrderPolicySnapshot = z.object({
  order: z.looseObject({}),
  dispute: z.looseObject({}),
  returns: z.looseObject({}),
  escrow: z.looseObject({}),
});

export const OrderItem = z.object({
  sku: Id,
  title: z.string().min(1),
  quantity: z.number().int().positive(),
  unitPrice: Money,
});
export type OrderItem = z.infer<typeof OrderItem>;

export const OrderCompletionReason = z.enum(['CONFIRMED', 'AUTO_CONFIRMED', 'DISPUTE_SETTLED']);
export type OrderCompletionReason = z.infer<typeof OrderCompletionReason>;
export const OrderClosedReason = z.enum(['UNPAID', 'NOT_SHIPPED', 'REFUNDED']);
export type OrderClosedReason = z.infer<typeof OrderClosedReason>;
/** EXTENSION_AGREED (O8, added in v1): a dispute ended with the extension; it counts as an approved one. */
export const ProtectionResumeCause = z.enum(['DISPUTE_WITHDRAWN', 'RESEND_SHIPPED', 'EXTENSION_AGREED', 'APPEAL_UPHELD']);
export type ProtectionResumeCause = z.infer<typeof ProtectionResumeCause>;

const parties = { orderId: Id, buyerId: Id, sellerId: Id };

export const OrderPlacedData = z.object({
  ...parties,
  currency: z.string().regex(/^[A-Z]{3}$/),
  items: z.array(OrderItem).min(1),
  total: Money,
  protectionDays: z.number().int().positive(),
  handlingDays: z.number().int().positive(),
  placedAt: Iso,
  paymentDueAt: Iso,
  policy: OrderPolicySnapshot,
});
export type OrderPlacedData = z.infer<typeof OrderPlacedData>;

export const OrderPaidData = z.object({ ...parties, paymentId: Id, amount: Money, paidAt: Iso, shipBy: Iso });
export type OrderPaidData = z.infer<typeof OrderPaidData>;

export const OrderShippedData = z.object({
  ...parties,
  carrier: z.string().min(1),
  trackingNumber: z.string().min(1),
  shippedAt: Iso,
  protectionEndsAt: Iso,
});
export type OrderShippedData = z.infer<typeof OrderShippedData>;

export const OrderDeliveredData = z.object({
  orderId: Id,
  deliveredAt: Iso,
  reportedBy: z.enum(['buyer', 'seller', 'agent', 'ops', 'partner', 'system']),
});
export type OrderDeliveredData = z.infer<typeof OrderDeliveredData>;

const extension = { orderId: Id, extensionId: Id, days: z.number().int().positive() };
export const ProtectionExtensionRequestedData = z.object({
  ...extension,
  reason: z.string().optional(),
  requestedAt: Iso,
  respondBy: Iso,
});
export type ProtectionExtensionRequestedData = z.infer<typeof ProtectionExtensionRequestedData>;
export const ProtectionExtendedData = z.object({ ...extension, approvedAt: Iso, protectionEndsAt: Iso });
export type ProtectionExtendedData = z.infer<typeof ProtectionExtendedData>;
export const ProtectionExtensionDeclinedData = z.object({ ...extension, declinedAt: Iso });
export type ProtectionExtensionDeclinedData = z.infer<typeof ProtectionExtensionDeclinedData>;
export const ProtectionExtensionLapsedData = z.object({ ...extension, lapsedAt: Iso });
export type ProtectionExtensionLapsedData = z.infer<typeof ProtectionExtensionLapsedData>;

export const ProtectionSuspendedData = z.object({
  orderId: Id,
  disputeId: Id,
  suspendedAt: Iso,
  /** Protection time left when the dispute opened (ms; <= 0 when it had already run out). */
  remainingMs: z.number().int(),
  /** APPEAL_FILED (R7, S3, added in v1): an appeal reopened a dispute a resend had resolved; absent: the dispute opened. */
  cause: z.enum(['DISPUTE_OPENED', 'APPEAL_FILED']).optional(),
});
export type ProtectionSuspendedData = z.infer<typeof ProtectionSuspendedData>;

export const ProtectionResumedData = z.object({
  orderId: Id,
  disputeId: Id,
  resumedAt: Iso,
  /** resumedAt + remaining (+ extendedByDays on a resend, D9, or an agreed extension, O8). */
  protectionEndsAt: Iso,
  cause: ProtectionResumeCause,
  extendedByDays: z.number().int().nonnegative(),
});
export type ProtectionResumedData = z.infer<typeof ProtectionResumedData>;

export const OrderCompletedData = z.object({
  ...parties,
  /** The paid total; escrow releases what is still held (O6, O7). */
  amount: Money,
  completedAt: Iso,
  reason: OrderCompletionReason,
  disputeId: Id.optional(),
});
export type OrderCompletedData = z.infer<typeof OrderCompletedData>;

export const OrderCancelledData = z.object({
  ...parties,
  cancelledBy: z.enum(['buyer', 'seller']),
  /** true: money was captured, escrow refunds it in full (O4). */
  paid: z.boolean(),
  total: Money,
  cancelledAt: Iso,
});
export type OrderCancelledData = z.infer<typeof OrderCancelledData>;

export const OrderClosedData = z.object({
  ...parties,
  reason: OrderClosedReason,
  /** true: escrow must refund the held money in full (NOT_SHIPPED, O4). */
  refundDue: z.boolean(),
  closedAt: Iso,
  disputeId: Id.optional(),
});
export type OrderClosedData = z.infer<typeof OrderClosedData>;

export const ReviewPostedData = z.object({
  ...parties,
  rating: z.number().int().min(1).max(5),
  text: z.string(),
  postedAt: Iso,
  publishDueAt: Iso,
});
export type ReviewPostedData = z.infer<typeof ReviewPostedData>;
export const ReviewRepliedData = z.object({ orderId: Id, sellerId: Id, text: z.string().min(1), repliedAt: Iso });
export type ReviewRepliedData = z.infer<typeof ReviewRepliedData>;
export const ReviewPublishedData = z.object({ orderId: Id, rating: z.number().int().min(1).max(5), publishedAt: Iso });
export type ReviewPublishedData = z.infer<typeof ReviewPublishedData>;
/** O11: the seller rated the buyer back (reciprocal rating); publishes the buyer's review. */
export const BuyerRatedData = z.object({ ...parties, rating: z.number().int().min(1).max(5), text: z.string(), ratedAt: Iso });
export type BuyerRatedData = z.infer<typeof BuyerRatedData>;

const pub = <S extends z.ZodType<{ orderId: string }>>(type: string, action: string, schema: S, description: string) =>
  defineEvent({ type, version: 1, schema, topic: Topics.orders, ceType: ce(action), key: byOrder, description });

export const OrderPlaced = pub('OrderPlaced', 'placed', OrderPlacedData, 'O2: a buyer placed an order; payment window open. No address (private).');
export const OrderPaid = pub('OrderPaid', 'paid', OrderPaidData, 'O3: payment captured into escrow; the seller must ship by shipBy.');
export const OrderShipped = pub('OrderShipped', 'shipped', OrderShippedData, 'O5: shipped; buyer protection runs until protectionEndsAt.');
export const OrderDelivered = pub('OrderDelivered', 'delivered', OrderDeliveredData, 'O10: delivery reported (information).');
export const ProtectionExtensionRequested = pub(
  'ProtectionExtensionRequested',
  'protection-extension-requested',
  ProtectionExtensionRequestedData,
  'O8: buyer asked for more days; seller answers by respondBy.',
);
export const ProtectionExtended = pub('ProtectionExtended', 'protection-extended', ProtectionExtendedData, 'O8: seller approved; protection ends later.');
export const ProtectionExtensionDeclined = pub(
  'ProtectionExtensionDeclined',
  'protection-extension-declined',
  ProtectionExtensionDeclinedData,
  'O8: seller declined; nothing changes.',
);
export const ProtectionExtensionLapsed = pub(
  'ProtectionExtensionLapsed',
  'protection-extension-lapsed',
  ProtectionExtensionLapsedData,
  'O8: seller did not answer in time; nothing changes.',
);
export const ProtectionSuspended = pub(
  'ProtectionSuspended',
  'protection-suspended',
  ProtectionSuspendedData,
  'O9: a dispute opened; auto-confirm suspended, remaining time kept.',
);
export const ProtectionResumed = pub(
  'ProtectionResumed',
  'protection-resumed',
  ProtectionResumedData,
  'O9/D9: dispute withdrawn or resend shipped; protection runs again.',
);
export const OrderCompleted = pub(
  'OrderCompleted',
  'completed',
  OrderCompletedData,
  'O6/O7: receipt confirmed (or auto, or dispute settled); escrow releases the rest.',
);
export const OrderCancelled = pub('OrderCancelled', 'cancelled', OrderCancelledData, 'O4: cancelled before shipment; escrow refunds in full when paid.');
export const OrderClosed = pub('OrderClosed', 'closed', OrderClosedData, 'O2/O4: closed unpaid, not shipped (refundDue) or refunded.');
export const ReviewPosted = pub('ReviewPosted', 'review-posted', ReviewPostedData, 'O11: buyer reviewed the completed order.');
export const ReviewReplied = pub('ReviewReplied', 'review-replied', ReviewRepliedData, 'O11: seller replied to the review.');
export const BuyerRated = pub('BuyerRated', 'buyer-rated', BuyerRatedData, 'O11: the seller rated the buyer back; the review is published.');
export const ReviewPublished = pub('ReviewPublished', 'review-published', ReviewPublishedData, 'O11: review published (reply or publish delay).');

/** Every public orders.v1 event definition. */
export const orderPublicEvents = [
  OrderPlaced,
  OrderPaid,
  OrderShipped,
  OrderDelivered,
  ProtectionExtensionRequested,
  ProtectionExtended,
  ProtectionExtensionDeclined,
  ProtectionExtensionLapsed,
  ProtectionSuspended,
  ProtectionResumed,
  ProtectionEnded,
  OrderCompleted,
  OrderCancelled,
  OrderClosed,
  ReviewPosted,
  ReviewReplied,
  ReviewPublished,
  BuyerRated,
] as const;
