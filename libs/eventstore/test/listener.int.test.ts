import { createChannelListener } from '@bp/eventstore';
import { type TestDatabase, testDatabase } from '@bp/testing';

// The LISTEN connection idle loops sleep on (issue 18 item 5): a NOTIFY reaches it at the writer's
// COMMIT, a lost connection is reported and replaced, and a stopped listener can listen again.
describe('channel listener', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await testDatabase('es_listen');
  });
  afterAll(async () => db?.close());

  const channel = `bp_test_${process.pid}`;
  const waitFor = async (what: string, check: () => boolean) => {
    const until = Date.now() + 5_000;
    while (!check()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const listenerBackends = async () =>
    (await db.pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE query = $1`, [`LISTEN ${channel}`])).rows.map((r) => r.pid);

  it('hears a NOTIFY only once its transaction commits; a lost connection is reported and ensure() listens again', async () => {
    const payloads: (string | undefined)[] = [];
    let lost = 0;
    const l = createChannelListener({ pool: db.pool, channel, onNotification: (n) => payloads.push(n.payload), onLost: () => lost++, warn: () => {} });
    try {
      expect(await l.ensure()).toBe(true);
      const tx = await db.pool.connect();
      try {
        await tx.query('BEGIN');
        await tx.query('SELECT pg_notify($1, $2)', [channel, 'first']);
        await new Promise((r) => setTimeout(r, 50));
        expect(payloads).toEqual([]); // not before COMMIT
        await tx.query('COMMIT');
      } finally {
        tx.release();
      }
      await waitFor('the first NOTIFY', () => payloads.length === 1);

      const [pid] = await listenerBackends();
      await db.pool.query('SELECT pg_terminate_backend($1)', [pid]);
      await waitFor('the loss to be reported', () => lost === 1);
      expect(await l.ensure()).toBe(true);
      await db.pool.query('SELECT pg_notify($1, $2)', [channel, 'second']);
      await waitFor('the second NOTIFY', () => payloads.length === 2);
      expect(payloads).toEqual(['first', 'second']);
    } finally {
      await l.stop();
    }
  });

  it('stop() gives the connection back; a listener started again listens again', async () => {
    const payloads: (string | undefined)[] = [];
    const l = createChannelListener({ pool: db.pool, channel, onNotification: (n) => payloads.push(n.payload), warn: () => {} });
    await Promise.all([l.ensure(), l.ensure()]); // one connection for both
    expect(await listenerBackends()).toHaveLength(1);
    await l.stop();
    expect(await listenerBackends()).toHaveLength(0);
    expect(await l.ensure()).toBe(true);
    await db.pool.query('SELECT pg_notify($1, $2)', [channel, 'again']);
    await waitFor('the NOTIFY after a restart', () => payloads.length === 1);
    await l.stop();
  });

  it('refuses a channel name it would have to quote', () => {
    expect(() => createChannelListener({ pool: db.pool, channel: 'Bad-Name', onNotification: () => {}, warn: () => {} })).toThrow(/not a channel name/);
  });
});
