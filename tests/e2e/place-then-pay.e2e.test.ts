import { randomUUID } from 'node:crypto';
import { address, answer, expectStatus, keyed, parties, type Parties } from './support/story';
import { useSystem } from './support/system';

// S3, read-your-writes across services: a storefront pays right after POST /orders answered, with
// no settling, no polling and no retry; escrow waits server-side for the OrderPlaced it has not
// consumed yet. Against the whole system (four services and a broker), or a running one
// (E2E_SERVICE_URLS, e.g. `npm start`).
describe('place then pay with no wait (S3)', () => {
  const sys = useSystem();
  const RUNS = 100;

  const place = async (p: Parties) =>
    expectStatus(
      await p.buyer.order.POST('/orders', {
        params: { header: keyed() },
        body: { sellerId: p.seller.sub, currency: 'USD', items: [{ sku: 'SKU-1', title: 'Teapot', quantity: 1, unitPrice: 5000 }], shippingAddress: address },
      }),
      201,
      'place',
    );
  const payBody = (orderId: string) => ({ orderId, paymentMethod: { type: 'sandbox' as const, token: 'tok_ok' } });
  const pay = (p: Parties, orderId: string, key?: string) => p.buyer.escrow.POST('/payments', { params: { header: keyed(key) }, body: payBody(orderId) });

  it(`S3: ${RUNS} times in a row, POST /payments right after POST /orders answers 201 captured`, async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const p = parties(sys);
      const { orderId } = await place(p);
      const paid = await pay(p, orderId);
      outcomes.push(paid.data ? paid.data.status : `${paid.response.status} ${paid.error?.code}`);
    }
    expect(outcomes.filter((o) => o !== 'captured')).toEqual([]);
    expect(outcomes).toHaveLength(RUNS);
  }, 300_000);

  it('S3: the escrow view and a retried payment key right after placing: 200 at once, and the same key replays the capture', async () => {
    const p = parties(sys);
    const { orderId } = await place(p);
    expect((await p.seller.escrow.GET('/escrows/{orderId}', { params: { path: { orderId } } })).response.status).toBe(200);
    const key = randomUUID();
    const first = answer(await pay(p, orderId, key));
    const again = answer(await pay(p, orderId, key));
    expect([first.status, again.status, again.headers.get('idempotent-replayed')]).toEqual([201, 201, 'true']);
    expect(again.body).toEqual(first.body);
  });

  it('S3: ten storefronts place and pay at once, none waits client-side: all captured', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const p = parties(sys);
        const { orderId } = await place(p);
        const paid = await pay(p, orderId);
        return paid.data ? paid.data.status : String(paid.response.status);
      }),
    );
    expect(results).toEqual(Array.from({ length: 10 }, () => 'captured'));
  }, 120_000);
});
