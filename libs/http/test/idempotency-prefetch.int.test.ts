import { outsideRequest, takePrefetched, type PrefetchRead } from '@bp/eventstore';
import { testDatabase, traceSent, type TestDatabase } from '@bp/testing';
import type { Pool } from 'pg';
import { migrateIdempotency, type ServiceApp } from '../src';
import { bearer, testApp } from './helpers';

/**
 * A route's `prefetch` (issue 18 item 2): the reads its handler makes first go out with the
 * Idempotency-Key's claim, in BEGIN's round trip, and the handler takes their answers instead of
 * reading. A replay answers from the key and never runs the handler; without a key nothing is prefetched.
 */
describe('Idempotency-Key claims with prefetched reads', () => {
  let db: TestDatabase;
  let pool: Pool;
  let app: ServiceApp;
  let things: string;
  let runs = 0;
  const thingRead = (name: string): PrefetchRead => ({ key: `thing ${name}`, query: { text: `SELECT size FROM ${things} WHERE name = $1`, values: [name] } });

  beforeAll(async () => {
    db = await testDatabase('http_idem_prefetch');
    pool = db.newPool({ pipeline: true });
    things = `${db.schema}.things`;
    await pool.query(`CREATE TABLE ${things} (name text PRIMARY KEY, size int NOT NULL)`);
    await migrateIdempotency(pool, db.schema);
    app = await testApp({ pool, schema: db.schema, rateLimit: false });
    app.post('/grow', { config: { roles: ['buyer'], prefetch: (req) => [thingRead((req.body as { name: string }).name)] } }, async (req, reply) => {
      runs++;
      const { name } = req.body as { name: string };
      const pre = takePrefetched(pool, thingRead(name).key);
      const { rows } = (await (pre ?? pool.query(thingRead(name).query))) as { rows: { size: number }[] };
      const size = (rows[0]?.size ?? 0) + 1;
      await pool.query(`INSERT INTO ${things} (name, size) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET size = excluded.size`, [name, size]);
      return reply.code(201).send({ size, prefetched: pre !== undefined });
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await pool.end();
    await db.close();
  });

  const grow = (name: string, key?: string) =>
    app.inject({ method: 'POST', url: '/grow', payload: { name }, headers: { ...bearer('buyer'), ...(key ? { 'idempotency-key': key } : {}) } });
  const size = async (name: string) => outsideRequest(async () => (await pool.query(`SELECT size FROM ${things} WHERE name = $1`, [name])).rows[0]?.size);

  it('the read goes out right behind the claim (one round trip) and the handler takes its answer', async () => {
    await pool.query(`INSERT INTO ${things} (name, size) VALUES ('a', 41)`);
    let res: Awaited<ReturnType<typeof grow>> | undefined;
    const sent = await traceSent(async () => {
      res = await grow('a', 'k-a');
    });
    expect([res!.statusCode, res!.json()]).toEqual([201, { size: 42, prefetched: true }]);
    expect(sent[0]!.text).toMatch(/^BEGIN;.*idempotency_keys/s);
    expect(sent[1]).toEqual({ text: expect.stringMatching(/^SELECT size FROM/), behind: 1 });
    expect(sent.filter((s) => /^SELECT size FROM/.test(s.text))).toHaveLength(1);
    expect(await size('a')).toBe(42);
  });

  it('a replay answers from the key: the prefetched read is rolled back unused, the handler does not run', async () => {
    const before = runs;
    const first = await grow('b', 'k-b');
    const again = await grow('b', 'k-b');
    expect([again.headers['idempotent-replayed'], again.json()]).toEqual(['true', first.json()]);
    expect(runs).toBe(before + 1);
    expect(await size('b')).toBe(1);
    expect(pool.totalCount - pool.idleCount).toBe(0);
  });

  it('without an Idempotency-Key nothing is prefetched: the handler reads for itself', async () => {
    const res = await grow('c');
    expect([res.statusCode, res.json()]).toEqual([201, { size: 1, prefetched: false }]);
  });
});
