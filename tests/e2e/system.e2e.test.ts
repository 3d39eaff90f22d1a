import { useSystem } from './support/system';

// The harness itself: every landed service answers, and one POST /ops/clock moves the shared clock
// for all of them (each reads the one row) and settles the whole deployment before it returns.
describe('the e2e system', () => {
  const sys = useSystem();

  it('runs every landed service on its own port, ready', async () => {
    expect(Object.keys(sys.urls).length).toBeGreaterThan(0);
    for (const url of Object.values(sys.urls)) expect((await fetch(`${url}/health/ready`)).status).toBe(200);
  });

  it('moves time for the whole deployment through any one service', async () => {
    const before = Date.parse(await sys.now());
    const r = await sys.advance('P1D');
    expect(Date.parse(r.now) - before).toBe(86_400_000);
    for (const name of Object.keys(sys.urls) as (keyof typeof sys.urls)[]) {
      expect(await sys.clockOf(name)).toEqual({ now: r.now, simulated: true });
    }
  });
});
