// Input hardening (issue 11 "Input"; reliability.md §3 API3/API4, T13): no mass assignment on any
// write route, body and page-size limits, per-user write rate limit. Routes come from the route
// table, so a new write route is covered without editing this file.
import type { Role } from '@bp/contracts';
import { validBody } from './support/bodies';
import { recordResult } from './support/results';
import { type DeclaredRoute, documentedOperations, fill, type RunningStack, startStack } from './support/stack';
import { BUYER, PARTNER, SELLER, seedWorld, type World } from './support/world';

/** Server-owned fields a client must never set (OWASP API3). */
const PROTECTED = ['status', 'buyerId', 'sellerId', 'amount', 'role', 'escrowState', 'version', 'refunded', 'partnerId', 'userId'];

/** Who may write on a route: the owning party of the world's resources where there is one. */
const writerFor = (r: DeclaredRoute): { role: Role; sub: string } => {
  const roles = r.roles ?? ['ops'];
  const role = (['buyer', 'seller', 'partner', 'agent', 'ops'] as const).find((x) => roles.includes(x))!;
  const sub = role === 'buyer' ? BUYER : role === 'seller' ? SELLER : role === 'partner' ? PARTNER : `${role}-1`;
  return { role, sub };
};

describe('input hardening', () => {
  let st: RunningStack;
  let w: World;
  let writes: DeclaredRoute[];
  const params = () => ({
    orderId: w.orderId,
    extensionId: w.extensionId,
    disputeId: w.disputeId,
    buyerId: BUYER,
    sellerId: SELLER,
    userId: BUYER,
    id: w.webhookId,
    deliveryId: w.deliveryId,
  });

  beforeAll(async () => {
    st = await startStack('sec_input');
    w = await seedWorld(st);
    writes = st.routes.filter((r) => r.hasBody && !r.public && (r.method === 'POST' || r.method === 'PUT'));
  }, 120_000);
  afterAll(async () => {
    await st?.stop();
  }, 60_000);

  it('mass assignment: a protected or unknown field on any write route is 400 and changes nothing', async () => {
    const order = () => st.svc.order.request('GET', `/orders/${w.orderId}`, { as: { role: 'buyer', sub: BUYER } });
    const dispute = () => st.svc.dispute.request('GET', `/disputes/${w.disputeId}`, { as: { role: 'buyer', sub: BUYER } });
    const before = { order: (await order()).body, dispute: (await dispute()).body };
    const failures: string[] = [];
    let sent = 0;
    for (const r of writes) {
      const s = st.svc[r.service];
      const url = fill(r.url, params());
      const base = validBody(r.url) as Record<string, unknown>;
      const extras: Record<string, unknown>[] = [
        ...PROTECTED.filter((f) => !(f in base)).map((f) => ({ [f]: f === 'amount' ? { amount: 1, currency: 'USD' } : 'forged' })),
        { __proto__x: 1 },
      ];
      for (const extra of extras) {
        const res = await s.request(r.method as 'POST', url, { as: writerFor(r), body: { ...base, ...extra } });
        sent++;
        if (res.status !== 400 || res.body?.code !== 'VALIDATION_FAILED')
          failures.push(`${r.method} ${r.url} + ${Object.keys(extra)[0]} -> ${res.status} ${res.body?.code}`);
      }
    }
    // Nested objects are strict too: a price or an address carrying extra fields.
    const nested = [
      { ...(validBody('/orders') as object), items: [{ sku: 's', title: 't', quantity: 1, unitPrice: 100, discount: 99 }] },
      { ...(validBody('/orders') as object), shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: '1', country: 'US', verified: true } },
    ];
    for (const body of nested) {
      const res = await st.svc.order.request('POST', '/orders', { as: { role: 'buyer', sub: 'buyer-mass' }, body });
      sent++;
      if (res.status !== 400) failures.push(`POST /orders nested extra -> ${res.status}`);
    }
    expect(failures).toEqual([]);
    expect(writes.length).toBeGreaterThanOrEqual(25);
    // Nothing moved: same versions, and the forging buyer has no order.
    expect((await order()).body.version).toBe(before.order.version);
    expect((await dispute()).body.version).toBe(before.dispute.version);
    expect((await st.svc.order.request('GET', '/orders', { as: { role: 'buyer', sub: 'buyer-mass' } })).body.items).toEqual([]);
    recordResult(`input-mass-assignment routes=${writes.length} requests=${sent} accepted=${failures.length}`);
  }, 60_000);

  it('money at the edges (issue 17): an order total beyond a safe integer is 422 AMOUNT_TOO_LARGE, never a 500; non-ISO currencies are 400; nothing is placed', async () => {
    const as = { role: 'buyer' as const, sub: 'buyer-arith' };
    const place = (items: unknown[], currency = 'USD') =>
      st.svc.order.request('POST', '/orders', { as, body: { ...(validBody('/orders') as object), currency, items } });
    const line = (quantity: number, unitPrice: unknown, sku = 'sku-1') => ({ sku, title: 'Gold teapot', quantity, unitPrice });
    const half = Math.ceil(Number.MAX_SAFE_INTEGER / 2);
    const answers: string[] = [];
    for (const [what, items] of [
      ['1,000,000 x 9,000,000,000,000 (the reported 500)', [line(1_000_000, 9_000_000_000_000)]],
      ['MAX_SAFE x 2', [line(2, Number.MAX_SAFE_INTEGER)]],
      ['two safe lines summing past MAX_SAFE', [line(1, half, 'a'), line(1, half, 'b')]],
      ['Money unit prices overflowing', [line(3, { amount: 2 ** 52, currency: 'USD' })]],
    ] as const) {
      const res = await place([...items]);
      answers.push(`${what}: ${res.status} ${res.body?.code}`);
    }
    expect(answers).toEqual([
      '1,000,000 x 9,000,000,000,000 (the reported 500): 422 AMOUNT_TOO_LARGE',
      'MAX_SAFE x 2: 422 AMOUNT_TOO_LARGE',
      'two safe lines summing past MAX_SAFE: 422 AMOUNT_TOO_LARGE',
      'Money unit prices overflowing: 422 AMOUNT_TOO_LARGE',
    ]);
    // Values no schema lets through: 400, not 500.
    for (const bad of [2 ** 53, 1e308, -1, 1.5]) expect((await place([line(1, bad)])).status).toBe(400);
    expect((await place([line(1, 100)], 'XYZ')).status).toBe(400);
    expect((await st.svc.order.request('GET', '/orders', { as })).body.items).toEqual([]);
    // The edge itself is placed exactly, and IRR (2 decimals in ISO 4217) is a currency like any other.
    const edge = await place([line(1, Number.MAX_SAFE_INTEGER - 1, 'a'), line(1, 1, 'b')]);
    expect(edge).toMatchObject({ status: 201, body: { total: { amount: Number.MAX_SAFE_INTEGER, currency: 'USD' } } });
    expect((await place([line(1, 123_456)], 'IRR')).status).toBe(201);
    recordResult(`input-money-edges refused_422=${answers.length}`);
  }, 60_000);

  it('a JSON body over the limit is 413 on every service, before anything is parsed', async () => {
    const big = { ...(validBody('/orders') as object), padding: 'x'.repeat(1024 * 1024 + 10) };
    for (const r of [
      ['order', 'POST', '/orders', { role: 'buyer', sub: BUYER }],
      ['escrow', 'POST', '/payments', { role: 'buyer', sub: BUYER }],
      ['dispute', 'POST', '/disputes', { role: 'buyer', sub: BUYER }],
      ['notification', 'POST', '/webhooks', { role: 'partner', sub: PARTNER }],
      ['notification', 'PUT', `/recipients/${BUYER}`, { role: 'buyer', sub: BUYER }],
    ] as const) {
      const res = await st.svc[r[0]].request(r[1], r[2], { as: r[3], body: big });
      expect({ route: `${r[0]} ${r[1]} ${r[2]}`, status: res.status, code: res.body?.code }).toEqual({
        route: `${r[0]} ${r[1]} ${r[2]}`,
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
      });
    }
  });

  it('page size: limit=10000 and nonsense limits are refused on every list; limit=100 is served', async () => {
    const checked: string[] = [];
    for (const [name, s] of Object.entries(st.svc)) {
      const { doc } = await documentedOperations(s);
      for (const [path, item] of Object.entries(doc.paths)) {
        const op = item.get;
        if (!op?.parameters?.some((p) => p.in === 'query' && p.name === 'limit')) continue;
        const route = st.routes.find((r) => r.service === name && r.method === 'GET' && r.url === path.replace(/\{(\w+)\}/g, ':$1'));
        const as = route ? writerFor(route) : { role: 'ops' as const, sub: 'ops-1' };
        const url = fill(path, params());
        const q = path === '/disputes' ? `orderId=${w.orderId}&` : '';
        for (const limit of ['10000', '101', '0', '-1', 'abc', '1e3', '', '100.5', '%00']) {
          const res = await s.request('GET', `${url}?${q}limit=${limit}`, { as });
          const clamped = res.status === 200 && Array.isArray(res.body?.items) && res.body.items.length <= 100;
          expect({ path, limit, refusedOrClamped: res.status === 400 || clamped }).toEqual({ path, limit, refusedOrClamped: true });
          if (limit === '10000') expect({ path, status: res.status }).toEqual({ path, status: 400 });
        }
        for (const query of [`${q}limit=100`, q]) {
          const ok = await s.request('GET', `${url}?${query}`, { as });
          expect({ path, query, status: ok.status }).toEqual({ path, query, status: 200 });
        }
        checked.push(`${name} ${path}`);
      }
    }
    expect(checked.length).toBeGreaterThanOrEqual(5);
    recordResult(`input-page-size lists=${checked.length}`);
  });

  it('per-user write rate limit: the 301st write in a minute is 429 with Retry-After; others and reads go on', async () => {
    const o = st.svc.order;
    const spammer = { role: 'buyer' as const, sub: 'buyer-spam' };
    const statuses: number[] = [];
    for (let i = 0; i < 300; i++) statuses.push((await o.request('POST', `/orders/missing-${i}/confirm-receipt`, { as: spammer, body: {} })).status);
    expect(statuses.filter((s) => s === 429)).toHaveLength(0);
    const limited = await o.request('POST', '/orders/missing-x/confirm-receipt', { as: spammer, body: {} });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Limited per user, not globally; reads are not limited.
    expect((await o.request('POST', '/orders/missing-y/confirm-receipt', { as: { role: 'buyer', sub: 'buyer-quiet' }, body: {} })).status).toBe(404);
    expect((await o.request('GET', '/orders', { as: spammer })).status).toBe(200);
    // A new token for the same user is the same user: still limited.
    expect((await o.request('POST', '/orders', { as: spammer, body: validBody('/orders') })).status).toBe(429);
  }, 60_000);
});
