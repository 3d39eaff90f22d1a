// One order taken through the real services (no events forged): placed, paid through escrow's
// sandbox, shipped, an extension requested, a dispute opened six days later; a partner's webhook
// subscription with a delivery, a recipient and a message-center item. Every id the route table
// needs comes out of this.
import type { Role } from '@bp/contracts';
import type { ServiceUnderTest } from '@bp/testing';
import { type RunningStack, waitFor } from './stack';

export const BUYER = 'buyer-1';
export const SELLER = 'seller-1';
export const PARTNER = 'partner-1';
export const who = (role: Role, sub: string) => ({ role, sub });

export const address = { name: 'Ann Buyer', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
export const items = [{ sku: 'sku-1', title: 'Socks', quantity: 2, unitPrice: 1500 }];
export const placeBody = (sellerId = SELLER, shippingAddress: object = address) => ({ sellerId, currency: 'USD', items, shippingAddress });

export interface World {
  orderId: string;
  extensionId: string;
  disputeId: string;
  webhookId: string;
  deliveryId: string;
  inboxId: string;
}

const ok = (what: string, res: { status: number; body: unknown }, expected = [200, 201]) => {
  if (!expected.includes(res.status)) throw new Error(`${what} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as any;
};

/** Places an order as `buyer` and pays it through escrow; resolves when the order service knows it is paid. */
export const placeAndPay = async (s: { order: ServiceUnderTest; escrow: ServiceUnderTest }, buyer = BUYER, seller = SELLER): Promise<string> => {
  const orderId = ok('place', await s.order.request('POST', '/orders', { as: who('buyer', buyer), body: placeBody(seller) })).orderId as string;
  // The stack's S3 wait is short (stack.ts): the order's events are consumed first (settled, not polled).
  await s.order.settle();
  await s.escrow.settle();
  ok('pay', await s.escrow.request('POST', '/payments', { as: who('buyer', buyer), body: { orderId, paymentMethod: { type: 'sandbox', token: 'tok_ok' } } }));
  await s.escrow.settle();
  await waitFor(async () => {
    await s.order.settle();
    return (await s.order.request('GET', `/orders/${orderId}`, { as: who('buyer', buyer) })).body?.status === 'awaiting_shipment' ? true : undefined;
  }, 'the order to be paid');
  return orderId;
};

export const seedWorld = async (st: RunningStack): Promise<World> => {
  const { order, dispute, notification } = st.svc;
  const webhookId = ok(
    'subscribe',
    await notification.request('POST', '/webhooks', {
      as: who('partner', PARTNER),
      body: { url: 'http://127.0.0.1:9/hook', eventTypes: ['marketplace.order.placed.v1'] },
    }),
  ).id as string;
  ok('recipient', await notification.request('PUT', `/recipients/${BUYER}`, { as: who('buyer', BUYER), body: { locale: 'en', emailOptOut: [] } }));

  const orderId = await placeAndPay(st.svc);
  ok('ship', await order.request('POST', `/orders/${orderId}/shipments`, { as: who('seller', SELLER), body: { carrier: 'DHL', trackingNumber: 'TRK-1' } }));
  const extensionId = ok(
    'extension',
    await order.request('POST', `/orders/${orderId}/extensions`, { as: who('buyer', BUYER), body: { days: 5, reason: 'late' } }),
  ).extensionId as string;
  await order.settle();

  await dispute.advance('P6D');
  const disputeId = await waitFor(async () => {
    await dispute.settle();
    const res = await dispute.request('POST', '/disputes', {
      as: who('buyer', BUYER),
      body: {
        orderId,
        goodsReceived: false,
        reason: 'NOT_RECEIVED',
        solution: { type: 'REFUND_ONLY', refund: { amount: 3000, currency: 'USD' } },
        description: 'never arrived',
        evidenceIds: [],
      },
    });
    return res.status === 201 ? (res.body.disputeId as string) : undefined;
  }, 'the dispute to open');

  const inboxId = await waitFor(async () => {
    await notification.settle();
    const res = await notification.request('GET', '/inbox', { as: who('buyer', BUYER) });
    return res.body?.items?.[0]?.id as string | undefined;
  }, 'a message-center item');
  const deliveryId = await waitFor(async () => {
    await notification.settle();
    const res = await notification.request('GET', `/webhooks/${webhookId}/deliveries`, { as: who('partner', PARTNER) });
    return res.body?.items?.[0]?.id as string | undefined;
  }, 'a webhook delivery');
  return { orderId, extensionId, disputeId, webhookId, deliveryId, inboxId };
};
