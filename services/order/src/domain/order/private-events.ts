// Events that stay in the order service's own log and are never published (no topic, see
// libs/contracts/src/events/orders.ts for why the address is a separate event).
import { z } from 'zod';
import { Money, defineEvent } from '@bp/contracts';

const Iso = z.iso.datetime();

/** O2: where the goods go. Personal data: private, shown only to the order's parties. */
export const ShippingAddress = z.strictObject({
  name: z.string().min(1).max(200),
  line1: z.string().min(1).max(200),
  line2: z.string().max(200).optional(),
  city: z.string().min(1).max(100),
  region: z.string().max(100).optional(),
  postalCode: z.string().max(20).optional(),
  country: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2'),
  phone: z.string().max(40).optional(),
});
export type ShippingAddress = z.infer<typeof ShippingAddress>;

export const ShippingAddressRecordedData = z.object({ orderId: z.string().min(1), shippingAddress: ShippingAddress });
export type ShippingAddressRecordedData = z.infer<typeof ShippingAddressRecordedData>;

/** O3: escrow captured an amount that is not the order total; the order stays unpaid. */
export const PaymentAmountMismatchedData = z.object({
  orderId: z.string().min(1),
  paymentId: z.string().min(1),
  amount: Money,
  expected: Money,
  recordedAt: Iso,
});
export type PaymentAmountMismatchedData = z.infer<typeof PaymentAmountMismatchedData>;

/** escrow.v1 RefundCompleted, recorded once per refundId (totals for the view, full refund closes). */
export const RefundRecordedData = z.object({
  orderId: z.string().min(1),
  refundId: z.string().min(1),
  amount: Money,
  recordedAt: Iso,
});
export type RefundRecordedData = z.infer<typeof RefundRecordedData>;

/** O11: the review window ran out without a review (the review_window deadline fired). */
export const ReviewWindowClosedData = z.object({ orderId: z.string().min(1), closedAt: Iso });
export type ReviewWindowClosedData = z.infer<typeof ReviewWindowClosedData>;

export const ShippingAddressRecorded = defineEvent({ type: 'ShippingAddressRecorded', version: 1, schema: ShippingAddressRecordedData });
export const PaymentAmountMismatched = defineEvent({ type: 'PaymentAmountMismatched', version: 1, schema: PaymentAmountMismatchedData });
export const RefundRecorded = defineEvent({ type: 'RefundRecorded', version: 1, schema: RefundRecordedData });

export const ReviewWindowClosed = defineEvent({ type: 'ReviewWindowClosed', version: 1, schema: ReviewWindowClosedData });

export const orderPrivateEvents = [ShippingAddressRecorded, PaymentAmountMismatched, RefundRecorded, ReviewWindowClosed] as const;
