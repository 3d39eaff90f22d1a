// Regressions found by the fuzzer, each once a 500: a NUL byte in a path parameter or a JSON string
// (Postgres refuses it: now 400 INVALID_TEXT), POST /providers/__proto__/webhooks (a provider looked
// up on a plain object: now 404), and multipart/form-data without a boundary (now 400).
import { startStack, type RunningStack } from '../support/stack';

describe('fuzzer findings', () => {
  let st: RunningStack;
  beforeAll(async () => {
    st = await startStack('sec_fuzzbugs');
  }, 60_000);
  afterAll(() => st?.stop(), 60_000);

  it.each([
    ['order', 'GET', '/orders/%00'],
    ['order', 'GET', '/orders/%00/timeline'],
    ['order', 'POST', '/orders/%00/confirm-receipt'],
    ['order', 'GET', '/buyers/%00/level'],
    ['escrow', 'GET', '/escrows/%00'],
    ['escrow', 'GET', '/sellers/%00/balance'],
    ['dispute', 'GET', '/disputes/%00'],
    ['dispute', 'POST', '/disputes/%00/accept'],
    ['notification', 'POST', '/inbox/%00/read'],
    ['notification', 'DELETE', '/webhooks/%00'],
  ] as const)('%s %s %s with a NUL in the id is not a 5xx', async (svc, method, url) => {
    const role = url.startsWith('/sellers') ? 'seller' : url.startsWith('/webhooks') ? 'partner' : 'buyer';
    const res = await st.svc[svc].request(method, url, {
      as: { role, sub: url.includes('/buyers/') || url.includes('/sellers/') ? '\u0000' : 'u-1' },
      ...(method === 'POST' ? { body: {} } : {}),
    });
    expect(res.status).toBeLessThan(500);
  });

  it('POST /evidence, multipart without a boundary, is not a 5xx', async () => {
    const res = await st.svc.dispute.service.app.inject({
      method: 'POST',
      url: '/evidence',
      headers: { authorization: `Bearer ${st.svc.dispute.token('buyer', 'b-1')}`, 'content-type': 'multipart/form-data' },
      payload: 'no boundary',
    });
    expect(res.statusCode).toBeLessThan(500);
  });

  it.each(['__proto__', 'constructor'])('POST /providers/%s/webhooks is a 404, not a 5xx', async (provider) => {
    const res = await st.svc.escrow.service.app.inject({
      method: 'POST',
      url: `/providers/${provider}/webhooks`,
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(res.statusCode).toBe(404);
  });

  it('a NUL inside a JSON body string is not a 5xx', async () => {
    const res = await st.svc.order.request('POST', '/orders', {
      as: { role: 'buyer', sub: 'b-nul' },
      body: {
        sellerId: 's\u0000',
        currency: 'USD',
        items: [{ sku: 'a', title: 't\u0000', quantity: 1, unitPrice: 100 }],
        shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: '1', country: 'US' },
      },
    });
    expect(res.status).toBeLessThan(500);
  });
});
