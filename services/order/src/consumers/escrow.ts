// escrow.v1 -> order commands (O3, E3), and every escrow.v1 event into the order's timeline. Only refunds OF THE ORDER TOTAL count towards "refunded in
// full": PAYMENT_RETURNED gives back a capture that was never held (a duplicate or late payment) and
// RETURN_SHIPPING_COMPENSATION is money on top of the total, so neither is recorded here.
import { PaymentCaptured, RefundCompleted, escrowPublicEvents, type EscrowRefundReason } from '@bp/contracts';
import { on, type Handlers } from '@bp/messaging';
import type { ServiceContext } from '@bp/runtime';
import type { OrderApp } from '../app/order-app';
import { issueFrom } from './issue';
import { observing } from './observe';

const NOT_A_REFUND_OF_THE_ORDER: ReadonlySet<EscrowRefundReason> = new Set(['PAYMENT_RETURNED', 'RETURN_SHIPPING_COMPENSATION']);

export const escrowHandlers = (ctx: ServiceContext, app: OrderApp): Handlers => {
  const issue = issueFrom(ctx, app);
  // Every escrow.v1 event is also recorded in the order's timeline (observe.ts).
  return observing(ctx, app, escrowPublicEvents, {
    ...on(PaymentCaptured, (tx, e) =>
      issue(tx, e, { type: 'ConfirmPayment', data: { orderId: e.data.orderId, paymentId: e.data.paymentId, amount: e.data.amount, capturedAt: e.data.capturedAt } }),
    ),
    ...on(RefundCompleted, async (tx, e) => {
      if (NOT_A_REFUND_OF_THE_ORDER.has(e.data.reason)) return;
      await issue(tx, e, { type: 'RecordRefundCompleted', data: { orderId: e.data.orderId, refundId: e.data.refundId, amount: e.data.amount, completedAt: e.data.completedAt } });
    }),
  });
};
