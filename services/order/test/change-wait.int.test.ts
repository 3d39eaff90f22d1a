// GET /orders/{id} that waits for the order's next version instead of being polled (S3 "no polling"):
// If-None-Match: "<version>" with Prefer: wait=<seconds> (RFC 7240), capped by api.changeWaitMax.
import { arrivalChannel } from '@bp/http';
import { as, orderMoves, startOrderService, type World } from './service/harness';

describe('order service: GET /orders/{id} waiting for a change (Prefer: wait)', () => {
  let w: World;
  beforeAll(async () => {
    w = await startOrderService('order_change_wait');
  }, 60_000);
  afterAll(async () => {
    await w?.stop();
  });

  const waiting = (orderId: string, version: number, wait: string, who: ReturnType<typeof as>) =>
    w.sut.request('GET', `/orders/${orderId}`, { as: who, headers: { 'if-none-match': `"${version}"`, prefer: `wait=${wait}` } });

  it('answers as soon as the order moves on (here: the payment consumed from escrow.v1), with the new version', async () => {
    const o = orderMoves(w.sut);
    const placed = await o.place();
    const v = placed.body.version as number;
    const started = Date.now();
    const answer = waiting(o.orderId, v, '20', as('buyer', o.buyer));
    await o.paid();
    const r = await answer;
    expect(r).toMatchObject({ status: 200, body: { status: 'awaiting_shipment' } });
    expect(r.body.version).toBeGreaterThan(v);
    expect(r.headers.etag).toBe(`"${r.body.version}"`);
    expect(r.headers['preference-applied']).toBe('wait=20');
    expect(Date.now() - started).toBeLessThan(15_000); // woken by the change, not by the bound
  });

  it('nothing new within the wait: 304 after it, no body; the caller may wait again', async () => {
    const o = orderMoves(w.sut);
    const v = (await o.place()).body.version as number;
    const started = Date.now();
    const r = await waiting(o.orderId, v, '1', as('buyer', o.buyer));
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(r.status).toBe(304);
    expect(r.headers['preference-applied']).toBe('wait=1');
  });

  it('the caller holds an older version: 200 at once, no wait', async () => {
    const o = orderMoves(w.sut);
    await o.place();
    await o.paid();
    const v = (await o.view()).body.version as number;
    const started = Date.now();
    const r = await waiting(o.orderId, v - 1, '20', as('buyer', o.buyer));
    expect(r.status).toBe(200);
    expect(r.body.version).toBe(v);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a stranger is told 404 at once, never made to wait', async () => {
    const o = orderMoves(w.sut);
    const v = (await o.place()).body.version as number;
    const started = Date.now();
    expect((await waiting(o.orderId, v, '20', as('buyer', 'someone-else'))).status).toBe(404);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('without Prefer: wait (or wait=0) the conditional GET answers at once, as before', async () => {
    const o = orderMoves(w.sut);
    const v = (await o.place()).body.version as number;
    const plain = await w.sut.request('GET', `/orders/${o.orderId}`, { as: as('buyer', o.buyer), headers: { 'if-none-match': `"${v}"` } });
    expect(plain.status).toBe(304);
    expect(plain.headers['preference-applied']).toBeUndefined();
    const zero = await waiting(o.orderId, v, '0', as('buyer', o.buyer));
    expect(zero.status).toBe(304);
    expect(zero.headers['preference-applied']).toBeUndefined();
  });

  it('a longer wait than the policy allows is capped (api.changeWaitMax, 30 s), and says so', async () => {
    const o = orderMoves(w.sut);
    await o.place();
    await o.paid();
    const v = (await o.view()).body.version as number;
    const answer = waiting(o.orderId, v, '3600', as('buyer', o.buyer));
    await o.ship();
    const r = await answer;
    expect(r).toMatchObject({ status: 200, body: { status: 'shipped' } });
    expect(r.headers['preference-applied']).toBe('wait=30');
  });

  it('a shutdown answers the waiting GETs at once (what they have), rather than after their wait', async () => {
    const other = await startOrderService('order_change_wait_stop');
    const o = orderMoves(other.sut);
    const v = (await o.place()).body.version as number;
    const started = Date.now();
    const answer = other.sut.request('GET', `/orders/${o.orderId}`, { as: as('buyer', o.buyer), headers: { 'if-none-match': `"${v}"`, prefer: 'wait=30' } });
    // Stop once the request is waiting: its LISTEN connection is up.
    const listen = `LISTEN "${arrivalChannel(other.sut.service.ctx.schema)}"`;
    const { pool } = other.sut.service.ctx;
    while (!(await pool.query('SELECT 1 FROM pg_stat_activity WHERE query = $1', [listen])).rowCount) await new Promise((r) => setImmediate(r));
    const stopping = other.stop();
    const r = await answer;
    await stopping;
    expect(r.status).toBe(304);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 60_000);
});
