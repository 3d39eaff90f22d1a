import { z } from 'zod';

/** Sandbox payment method (E4). The token picks the outcome (see sandbox.ts). */
export const SandboxPaymentMethod = z.strictObject({
  type: z.literal('sandbox'),
  token: z.string().min(1).max(64),
});

/** POST /payments body: `{ orderId, paymentMethod: { type: 'sandbox', token } }`. Unknown keys are refused. */
export const CreatePaymentBody = z.strictObject({
  orderId: z.string().min(1).max(128),
  paymentMethod: z.discriminatedUnion('type', [SandboxPaymentMethod]),
});
export type CreatePaymentBody = z.infer<typeof CreatePaymentBody>;

/** POST /providers/sandbox/webhooks body: asynchronous capture and refund results (E4). */
export const SandboxWebhookBody = z.discriminatedUnion('type', [
  z.strictObject({
    id: z.string().min(1),
    type: z.literal('payment.captured'),
    data: z.strictObject({
      orderId: z.string().min(1),
      paymentId: z.string().min(1),
      providerRef: z.string().min(1),
      amount: z.number().int().positive(),
      currency: z.string().regex(/^[A-Z]{3}$/),
      capturedAt: z.iso.datetime(),
    }),
  }),
  z.strictObject({
    id: z.string().min(1),
    type: z.literal('payment.failed'),
    data: z.strictObject({ orderId: z.string().min(1), paymentId: z.string().min(1), reason: z.string().min(1) }),
  }),
  z.strictObject({
    id: z.string().min(1),
    type: z.literal('refund.succeeded'),
    data: z.strictObject({ orderId: z.string().min(1), refundId: z.string().min(1), providerRef: z.string().min(1) }),
  }),
  z.strictObject({
    id: z.string().min(1),
    type: z.literal('refund.failed'),
    data: z.strictObject({ orderId: z.string().min(1), refundId: z.string().min(1), attempt: z.number().int().positive(), error: z.string().min(1) }),
  }),
]);
export type SandboxWebhookBody = z.infer<typeof SandboxWebhookBody>;
