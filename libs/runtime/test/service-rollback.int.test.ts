import { EventRegistry } from '@bp/contracts';
import type { Pool } from 'pg';
import { defineService, startService } from '../src';
import { serviceTestbed } from './support/testbed';

// A start that fails midway must stop what it already started, in reverse, and leave no open pool,
// Kafka client, timer or background loop behind (a process that retries its start would leak them).
describe('a failed start rolls back what started', () => {
  const { startOptions } = serviceTestbed('rtfail');

  const attempt = async (failAt: 'migrations' | 'routes') => {
    const closed: string[] = [];
    const capture = {
      write: (line: string) => {
        const entry = JSON.parse(line) as { msg?: string; component?: string };
        if (entry.msg === 'closed' && entry.component) closed.push(entry.component);
      },
    };
    const seen: { pool?: Pool; loop: string[] } = { loop: [] };
    const module = defineService({
      name: 'dispute',
      registry: new EventRegistry([]),
      publishes: [],
      wire: (ctx) => ({ pool: ctx.pool }),
      migrations: async (ctx) => {
        seen.pool = ctx.pool;
        if (failAt === 'migrations') throw new Error('migrations failed');
      },
      background: () => [{ name: 'loop', start: () => void seen.loop.push('start'), stop: () => void seen.loop.push('stop') }],
      routes: async () => {
        throw new Error('routes failed');
      },
      deadlines: () => async () => {},
    });
    const start = startService(module, startOptions(failAt, capture));
    await expect(start).rejects.toThrow(`${failAt} failed`);
    return { closed, seen };
  };

  it('a failed migration ends the pool (the only thing started) and the tracer', async () => {
    const { closed, seen } = await attempt('migrations');
    expect(closed).toEqual(['pool', 'tracing']);
    expect(seen.pool?.ended).toBe(true);
    expect(seen.loop).toEqual([]);
  }, 30_000);

  it('failing routes stop the clock timer, HTTP, the background loop, Kafka admin and the pool, in reverse start order', async () => {
    const { closed, seen } = await attempt('routes');
    expect(closed).toEqual(['clock', 'http', 'loop', 'kafka-admin', 'pool', 'tracing']);
    expect(seen.loop).toEqual(['start', 'stop']);
    expect(seen.pool?.ended).toBe(true);
    expect(seen.pool?.totalCount).toBe(0); // no connection left open
  }, 30_000);
});
