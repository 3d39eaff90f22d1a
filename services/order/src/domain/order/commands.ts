// Commands of the order aggregate, and the zod schemas of their HTTP-facing payloads (strict: unknown
// fields are refused). Limits that depend on policy (O2 ranges, O8 days) are checked in decide
// against the order's policy snapshot, not here, so the schemas hold no policy literals.
import { z } from 'zod';
import { Currency, Money, UserId, type Actor } from '@bp/contracts';
import type { PolicySnapshot } from '@bp/timers';
import { ShippingAddress } from './private-events';

const Text = (max: number) => z.string().trim().min(1).max(max);
const Days = z.number().int().positive();

/** unitPrice: integer minor units in the order currency, or Money (its currency must match). */
export const OrderItemInput = z.strictObject({
  sku: Text(100),
  title: Text(500),
  quantity: z.number().int().positive(),
  unitPrice: z.union([z.number().int().nonnegative(), z.strictObject({ amount: z.number().int().nonnegative(), currency: Currency })]),
});
export type OrderItemInput = z.infer<typeof OrderItemInput>;

/** POST /orders (O2). */
export const PlaceOrderBody = z.strictObject({
  sellerId: Text(200).pipe(UserId),
  currency: Currency,
  items: z.array(OrderItemInput).min(1),
  shippingAddress: ShippingAddress,
  protectionDays: Days.optional(),
  handlingDays: Days.optional(),
});
export type PlaceOrderBody = z.infer<typeof PlaceOrderBody>;

/** POST /orders/{id}/cancel (O4). */
export const CancelOrderBody = z.strictObject({ reason: z.string().max(1000).optional() });
/** POST /orders/{id}/shipments (O5). */
export const ShipOrderBody = z.strictObject({ carrier: Text(100), trackingNumber: Text(100) });
/** POST /orders/{id}/delivery (O10). */
export const ReportDeliveryBody = z.strictObject({ deliveredAt: z.iso.datetime().optional() });
/** POST /orders/{id}/confirm-receipt (O6). */
export const ConfirmReceiptBody = z.strictObject({});
/** POST /orders/{id}/extensions (O8). */
export const RequestExtensionBody = z.strictObject({ days: Days, reason: z.string().max(1000).optional() });
/** POST /orders/{id}/extensions/{extensionId}/approve · /decline (O8). */
export const AnswerExtensionBody = z.strictObject({});
/** POST /orders/{id}/review (O11). */
export const PostReviewBody = z.strictObject({ rating: z.number().int().min(1).max(5), text: z.string().max(5000).default('') });
/** POST /orders/{id}/review/reply (O11). */
export const ReplyToReviewBody = z.strictObject({ text: Text(5000) });
/** POST /orders/{id}/review/buyer-rating (O11): the seller rates the buyer back. */
export const RateBuyerBody = z.strictObject({ rating: z.number().int().min(1).max(5), text: z.string().max(5000).default('') });

export const OrderCommandBodies = {
  PlaceOrder: PlaceOrderBody,
  CancelOrder: CancelOrderBody,
  ShipOrder: ShipOrderBody,
  ReportDelivery: ReportDeliveryBody,
  ConfirmReceipt: ConfirmReceiptBody,
  RequestExtension: RequestExtensionBody,
  ApproveExtension: AnswerExtensionBody,
  DeclineExtension: AnswerExtensionBody,
  PostReview: PostReviewBody,
  ReplyToReview: ReplyToReviewBody,
  RateBuyer: RateBuyerBody,
} as const;

/** Everything impure arrives here: the time and who acts (conventions.md). */
export interface CommandMeta {
  now: string;
  actor: Actor;
}
type Cmd<T extends string, D> = { type: T; data: D; meta: CommandMeta };
type OfOrder<D = unknown> = { orderId: string } & D;

export type OrderCommand =
  | Cmd<'PlaceOrder', OfOrder<PlaceOrderBody & { policy: PolicySnapshot }>>
  | Cmd<'ConfirmPayment', OfOrder<{ paymentId: string; amount: Money; capturedAt?: string }>>
  | Cmd<'CancelOrder', OfOrder<z.infer<typeof CancelOrderBody>>>
  | Cmd<'ShipOrder', OfOrder<z.infer<typeof ShipOrderBody>>>
  | Cmd<'ReportDelivery', OfOrder<z.infer<typeof ReportDeliveryBody>>>
  | Cmd<'ConfirmReceipt', OfOrder>
  | Cmd<'RequestExtension', OfOrder<{ extensionId: string } & z.infer<typeof RequestExtensionBody>>>
  | Cmd<'ApproveExtension', OfOrder<{ extensionId: string }>>
  | Cmd<'DeclineExtension', OfOrder<{ extensionId: string }>>
  | Cmd<'RecordDisputeOpened', OfOrder<{ disputeId: string; openedAt?: string }>>
  | Cmd<'RecordDisputeWithdrawn', OfOrder<{ disputeId: string; withdrawnAt?: string }>>
  | Cmd<'RecordDisputeSettled', OfOrder<{ disputeId: string; refund: Money; settledAt?: string }>>
  | Cmd<'RecordResendShipped', OfOrder<{ disputeId: string; shippedAt?: string; extendByDays?: number }>>
  | Cmd<'RecordExtensionAgreed', OfOrder<{ disputeId: string; days: number; agreedAt?: string }>>
  | Cmd<'RecordProtectionEndAcknowledged', OfOrder<{ round: number; openDisputeId: string | null; acknowledgedAt?: string }>>
  | Cmd<'RecordAppealFiled', OfOrder<{ disputeId: string; filedAt?: string }>>
  | Cmd<'RecordAppealDecided', OfOrder<{ disputeId: string; decision: 'UPHOLD' | 'OVERTURN'; decidedAt?: string }>>
  | Cmd<'RecordRefundCompleted', OfOrder<{ refundId: string; amount: Money; completedAt?: string /** paid for a dispute (R6, E3, R8) */; ofDispute?: boolean }>>
  | Cmd<'PostReview', OfOrder<{ rating: number; text?: string }>>
  | Cmd<'ReplyToReview', OfOrder<z.infer<typeof ReplyToReviewBody>>>
  | Cmd<'RateBuyer', OfOrder<{ rating: number; text?: string }>>
  | Cmd<'FireDeadline', { orderId?: string; kind: string; dueAt: string }>;

export type OrderCommandType = OrderCommand['type'];
export type CommandOf<T extends OrderCommandType> = Extract<OrderCommand, { type: T }>;
