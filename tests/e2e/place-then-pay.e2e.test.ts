import { randomUUID } from 'node:crypto';
import { address, expectStatus, parties } from './support/story';
import { useSystem } from './support/system';

// S3, read-your-writes across services: a storefront pays right after POST /orders answered, with
// no settling, no polling and no retry; escrow waits server-side for the OrderPlaced it has not
// consumed yet. Against the whole system (four services and a broker), or a running one
// (E2E_SERVICE_URLS, e.g. `npm start`).
describe('place then pay with no wait (S3)', () => {
  const sys = useSystem();
  const RUNS = 100;

  const placeBody = (sellerId: string) => ({
    sellerId,
    currency: 'USD',
    items: [{ sku: 'SKU-1', title: 'Teapot', quantity: 1, unitPrice: 5000 }],
    shippingAddress: address,
  });

  it(`S3: ${RUNS} times in a row, POST /payments right after POST /orders answers 201 captured`, async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const p = parties(sys);
      const { orderId } = expectStatus(await p.buyer.post('order', '/orders', placeBody(p.seller.sub)), 201, 'place') as { orderId: string };
      const paid = await p.buyer.post('escrow', '/payments', { orderId, paymentMethod: { type: 'sandbox', token: 'tok_ok' } });
      outcomes.push(paid.status === 201 ? (paid.body as { status: string }).status : `${paid.status} ${(paid.body as { code?: string }).code}`);
    }
    expect(outcomes.filter((o) => o !== 'captured')).toEqual([]);
    expect(outcomes).toHaveLength(RUNS);
  }, 300_000);

  it('S3: the escrow view and a retried payment key right after placing: 200 at once, and the same key replays the capture', async () => {
    const p = parties(sys);
    const { orderId } = expectStatus(await p.buyer.post('order', '/orders', placeBody(p.seller.sub)), 201, 'place') as { orderId: string };
    expect((await p.seller.get('escrow', `/escrows/${orderId}`)).status).toBe(200);
    const key = randomUUID();
    const body = { orderId, paymentMethod: { type: 'sandbox', token: 'tok_ok' } };
    const first = await p.buyer.post('escrow', '/payments', body, { idempotencyKey: key });
    const again = await p.buyer.post('escrow', '/payments', body, { idempotencyKey: key });
    expect([first.status, again.status, again.headers.get('idempotent-replayed')]).toEqual([201, 201, 'true']);
    expect(again.body).toEqual(first.body);
  });

  it('S3: ten storefronts place and pay at once, none waits client-side: all captured', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const p = parties(sys);
        const { orderId } = expectStatus(await p.buyer.post('order', '/orders', placeBody(p.seller.sub)), 201, 'place') as { orderId: string };
        const paid = await p.buyer.post('escrow', '/payments', { orderId, paymentMethod: { type: 'sandbox', token: 'tok_ok' } });
        return paid.status === 201 ? (paid.body as { status: string }).status : String(paid.status);
      }),
    );
    expect(results).toEqual(Array.from({ length: 10 }, () => 'captured'));
  }, 120_000);
});
