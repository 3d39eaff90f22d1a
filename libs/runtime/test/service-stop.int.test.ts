import { EventRegistry } from '@bp/contracts';
import { defineService, startService, type RunningService } from '../src';
import { serviceTestbed } from './support/testbed';

// Stopping a service is closing its Fastify app: preClose hooks stop taking work while in-flight
// requests finish, then the server closes, then onClose hooks release the resources, newest first.
describe('stopping a service closes its app', () => {
  const { startOptions } = serviceTestbed('rtstop');

  const start = async (name: string, tasks: { name: string; failStop?: boolean }[]) => {
    const log: { component: string; msg: string }[] = [];
    const waiters: { component: string; resolve: () => void }[] = [];
    const capture = {
      write: (line: string) => {
        const entry = JSON.parse(line) as { msg?: string; component?: string };
        if (!entry.component || (entry.msg !== 'closed' && entry.msg !== 'close failed')) return;
        log.push({ component: entry.component, msg: entry.msg });
        for (const w of waiters.filter((x) => x.component === entry.component)) w.resolve();
      },
    };
    const closedNow = (component: string) => new Promise<void>((resolve) => waiters.push({ component, resolve }));
    // What each background task saw when it was stopped.
    const atStop: Record<string, { listening: boolean; poolOpen: boolean }> = {};
    let service: RunningService | undefined;
    let entered!: () => void;
    const inFlight = new Promise<void>((r) => {
      entered = r;
    });
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    const module = defineService({
      name: 'dispute',
      registry: new EventRegistry([]),
      publishes: [],
      wire: (ctx) => ({ pool: ctx.pool }),
      background: (w) =>
        tasks.map((t) => ({
          name: t.name,
          stop: async () => {
            const poolOpen = (await w.pool.query('SELECT 1')).rowCount === 1;
            atStop[t.name] = { listening: service!.app.server.listening, poolOpen };
            if (t.failStop) throw new Error(`${t.name} failed to stop`);
          },
        })),
      routes: async (app, w) => {
        app.get('/slow', { config: { public: true } }, async () => {
          entered();
          await released;
          return { rows: (await w.pool.query('SELECT 1 AS one')).rowCount };
        });
      },
      deadlines: () => async () => {},
    });
    service = await startService(module, startOptions(name, capture));
    return { service, log, closedNow, atStop, inFlight, release };
  };

  it('stops taking work, lets the request in flight finish, then closes HTTP, background tasks newest first, Kafka admin, pool, tracing; twice is fine', async () => {
    const { service, log, closedNow, atStop, inFlight, release } = await start('order', [{ name: 'first' }, { name: 'second' }]);
    const slow = fetch(`${service.url}/slow`);
    await inFlight;
    const preCloseDone = closedNow('clock');
    const stopped = service.stop();
    await preCloseDone;
    // Everything that takes work has stopped; the server waits for the request still in flight.
    expect(log.map((e) => e.component)).toEqual(['readiness', 'relay', 'scheduler', 'clock']);
    release();
    const res = await slow;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ rows: 1 });
    const [a, b] = await Promise.all([stopped, service.stop()]);
    expect([a, b, await service.stop()]).toEqual([true, true, true]);
    expect(log).toEqual(
      ['readiness', 'relay', 'scheduler', 'clock', 'http', 'second', 'first', 'kafka-admin', 'pool', 'tracing'].map((component) => ({
        component,
        msg: 'closed',
      })),
    );
    // Background tasks stop after the server closed and before the pool they use.
    expect(atStop).toEqual({ first: { listening: false, poolOpen: true }, second: { listening: false, poolOpen: true } });
    expect(service.ctx.pool.ended).toBe(true);
  }, 30_000);

  it('a closer that fails is logged and the ones after it still run', async () => {
    const { service, log, release } = await start('fail', [{ name: 'first' }, { name: 'broken', failStop: true }]);
    release();
    expect(await service.stop()).toBe(false);
    expect(log.slice(log.findIndex((e) => e.component === 'http'))).toEqual([
      { component: 'http', msg: 'closed' },
      { component: 'broken', msg: 'close failed' },
      { component: 'first', msg: 'closed' },
      { component: 'kafka-admin', msg: 'closed' },
      { component: 'pool', msg: 'closed' },
      { component: 'tracing', msg: 'closed' },
    ]);
    expect(service.ctx.pool.ended).toBe(true);
  }, 30_000);
});
