import { Pool } from 'pg';
import { testDatabaseUrl } from '@bp/testing';
import { createSharedClock } from '../src/shared-clock';

describe('shared simulated clock', () => {
  const pools: Pool[] = [];
  const pool = () => {
    const p = new Pool({ connectionString: testDatabaseUrl(), max: 2 });
    pools.push(p);
    return p;
  };
  afterAll(() => Promise.all(pools.map((p) => p.end())));

  it('is one time for every process: one advances, the others see it on refresh', async () => {
    const a = await createSharedClock(pool());
    const b = await createSharedClock(pool());
    const before = b.now().getTime();
    const moved = await a.advance(6 * 86_400_000);
    expect(moved.getTime()).toBeGreaterThanOrEqual(before + 6 * 86_400_000);
    expect(b.now().getTime()).toBe(before); // cached until refreshed
    expect((await b.refresh()).getTime()).toBe(moved.getTime());
  });

  it('never moves backwards', async () => {
    const a = await createSharedClock(pool());
    await expect(a.advance(-1)).rejects.toThrow('never moves backwards');
  });
});
