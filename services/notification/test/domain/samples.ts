import type { OrderFacts } from '../../src/domain/routing/order-facts';

/** One sample payload per public event the notification service routes (catalogue fields). */
const usd = (amount: number) => ({ amount, currency: 'USD' });
export const facts: OrderFacts = { orderId: 'o-1', buyerId: 'buyer-1', sellerId: 'seller-1', currency: 'USD', paymentDueAt: '2026-01-02T00:00:00.000Z' };
const o = { orderId: 'o-1', disputeId: 'd-1' };

export const samples: Record<string, Record<string, unknown>> = {
  'marketplace.order.placed.v1': { ...o, buyerId: 'buyer-1', sellerId: 'seller-1', total: usd(12_345), paymentDueAt: '2026-01-02T00:00:00.000Z' },
  'marketplace.order.paid.v1': { ...o, amount: usd(12_345), paidAt: '2026-01-01T01:00:00.000Z', shipBy: '2026-01-08T01:00:00.000Z' },
  'marketplace.order.shipped.v1': {
    ...o,
    carrier: 'DHL',
    trackingNumber: 'TRK1',
    shippedAt: '2026-01-03T00:00:00.000Z',
    protectionEndsAt: '2026-03-04T00:00:00.000Z',
  },
  'marketplace.order.delivered.v1': { ...o, deliveredAt: '2026-01-10T00:00:00.000Z' },
  'marketplace.order.protection-extension-requested.v1': { ...o, extensionId: 'x-1', days: 14, respondBy: '2026-01-13T00:00:00.000Z' },
  'marketplace.order.protection-extended.v1': { ...o, extensionId: 'x-1', days: 14, protectionEndsAt: '2026-03-18T00:00:00.000Z' },
  'marketplace.order.protection-extension-declined.v1': { ...o, extensionId: 'x-1' },
  'marketplace.order.protection-extension-lapsed.v1': { ...o, extensionId: 'x-1', lapsedAt: '2026-01-13T00:00:00.000Z' },
  'marketplace.order.completed.v1': { ...o, amount: usd(12_345), completedAt: '2026-03-04T00:00:00.000Z', reason: 'CONFIRMED' },
  'marketplace.order.cancelled.v1': { ...o, cancelledBy: 'buyer', paid: true, cancelledAt: '2026-01-01T02:00:00.000Z' },
  'marketplace.order.closed.v1': { ...o, reason: 'UNPAID', refundDue: false, closedAt: '2026-01-02T00:00:00.000Z' },
  'marketplace.escrow.payment-failed.v1': { ...o, paymentId: 'p-1', reason: 'declined' },
  'marketplace.escrow.payment-returned.v1': {
    ...o,
    paymentId: 'p-2',
    providerRef: 'ref-2',
    amount: usd(12_345),
    reason: 'ALREADY_PAID',
    refundId: 'r-2',
    returnedAt: '2026-01-01T03:00:00.000Z',
  },
  'marketplace.escrow.funds-released.v1': { ...o, sellerId: 'seller-1', amount: usd(12_345), commission: usd(0), netPayable: usd(12_345) },
  'marketplace.escrow.refund-completed.v1': { ...o, refundId: 'r-1', amount: usd(5_000), completedAt: '2026-02-01T00:00:00.000Z' },
  'marketplace.escrow.seller-debited.v1': { ...o, sellerId: 'seller-1', amount: usd(5_000), reason: 'APPEAL' },
  'marketplace.dispute.opened.v1': {
    ...o,
    reason: 'NOT_AS_DESCRIBED',
    goodsReceived: true,
    openedAt: '2026-01-10T00:00:00.000Z',
    sellerRespondBy: '2026-01-15T00:00:00.000Z',
  },
  'marketplace.dispute.counter-proposed.v1': { ...o, respondBy: '2026-01-27T00:00:00.000Z' },
  'marketplace.dispute.proposal-edited.v1': { ...o, respondBy: '2026-01-20T00:00:00.000Z' },
  'marketplace.dispute.escalated.v1': { ...o, evidenceDueAt: '2026-01-18T00:00:00.000Z', rulingDueAt: '2026-02-02T00:00:00.000Z', expedited: false },
  'marketplace.dispute.withdrawn.v1': { ...o, withdrawnAt: '2026-01-12T00:00:00.000Z' },
  'marketplace.dispute.settled.v1': { ...o, refund: usd(5_000), releaseRemainder: true, settledBy: 'RULING', settledAt: '2026-02-01T00:00:00.000Z' },
  'marketplace.dispute.return-requested.v1': { ...o, shipBy: '2026-01-25T00:00:00.000Z' },
  'marketplace.dispute.return-shipped.v1': { ...o, trackingNumber: 'RET1', answerBy: '2026-02-20T00:00:00.000Z' },
  'marketplace.dispute.fast-refund-granted.v1': { ...o, amount: usd(12_345) },
  'marketplace.dispute.resend-agreed.v1': { ...o, agreedAt: '2026-01-14T00:00:00.000Z', shipBy: '2026-01-19T00:00:00.000Z', extendBy: 60 },
  'marketplace.dispute.resend-shipped.v1': { ...o, carrier: 'DHL', trackingNumber: 'TRK2', shippedAt: '2026-01-20T00:00:00.000Z', extendBy: 60 },
  'marketplace.dispute.appeal-filed.v1': { ...o, reason: 'DO_NOT_ACCEPT' },
  'marketplace.dispute.appeal-decided.v1': { ...o, decision: 'OVERTURN', refund: usd(12_345) },
  'marketplace.dispute.sla-breached.v1': { ...o, rulingDueAt: '2026-02-02T00:00:00.000Z' },
  'marketplace.dispute.appeal-sla-breached.v1': { ...o, decideBy: '2026-02-12T00:00:00.000Z' },
};
