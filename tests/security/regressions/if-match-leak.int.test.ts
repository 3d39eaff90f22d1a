// Regression (found by the authorization tests): a stale If-Match on another party's order or
// dispute answered 412 where a missing one answered 404, telling a stranger the resource exists.
// The command handler now lets the decider (which refuses non-parties) speak before comparing versions.
import { startStack, type RunningStack } from '../support/stack';
import { seedWorld, type World } from '../support/world';

describe("If-Match must not reveal another party's resource", () => {
  let st: RunningStack;
  let w: World;
  beforeAll(async () => {
    st = await startStack('sec_ifmatch', ['order', 'escrow', 'dispute', 'notification']);
    w = await seedWorld(st);
  }, 120_000);
  afterAll(() => st?.stop(), 60_000);

  it.each([
    ['order', (w: World) => `/orders/${w.orderId}/confirm-receipt`, '/orders/missing-1/confirm-receipt', 'buyer'],
    ['dispute', (w: World) => `/disputes/${w.disputeId}/cancel`, '/disputes/missing-1/cancel', 'buyer'],
  ] as const)('%s: a stranger with If-Match gets what a missing resource gets', async (svc, url, missing, role) => {
    const s = st.svc[svc];
    const o = { as: { role, sub: 'stranger-2' }, body: {}, headers: { 'if-match': '"0"' } } as const;
    const gone = await s.request('POST', missing, o);
    const other = await s.request('POST', url(w), o);
    expect({ status: other.status, code: other.body?.code }).toEqual({ status: gone.status, code: gone.body?.code });
    expect(other.status).toBe(404);
  });
});
