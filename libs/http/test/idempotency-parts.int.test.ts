import { withTransaction } from '@bp/eventstore';
import { testDatabase, type TestDatabase } from '@bp/testing';
import { claimIdempotencyKey, migrateIdempotency, type PartFingerprint, type ServiceApp } from '../src';
import { bearer, testApp } from './helpers';

/**
 * Routes whose request is its uploaded parts (config.idempotency 'parts', e.g. POST /evidence) claim
 * the Idempotency-Key in the handler, with the parts' fingerprint. The parts are played here by a JSON
 * body naming each file's sha256, so this test needs no multipart parser.
 */
describe('Idempotency-Key claimed with the fingerprint of uploaded parts', () => {
  let db: TestDatabase;
  let app: ServiceApp;
  let runs = 0;
  let effects: string;
  const keyRow = async (key: string) => (await db.pool.query(`SELECT status, answer_lost FROM ${db.schema}.idempotency_keys WHERE key = $1`, [key])).rows[0];

  beforeAll(async () => {
    db = await testDatabase('http_idem_parts');
    effects = `${db.schema}.effects`;
    await db.pool.query(`CREATE TABLE ${effects} (what text NOT NULL)`);
    await migrateIdempotency(db.pool, db.schema);
    app = await testApp({ pool: db.pool, schema: db.schema, rateLimit: false });
    app.post('/upload', { config: { roles: ['buyer'], idempotency: 'parts' } }, async (req, reply) => {
      const body = req.body as { files: string[]; fail?: boolean };
      // The key is not claimed before the handler: nothing is recorded for it yet.
      const before = await keyRow(String(req.headers['idempotency-key']));
      const parts: PartFingerprint[] = body.files.map((sha256, i) => ({ name: 'file', filename: `f${i}.png`, contentType: 'image/png', sha256 }));
      if (!(await claimIdempotencyKey(req, parts))) return reply;
      runs++;
      await withTransaction(db.pool, (tx) => tx.query(`INSERT INTO ${effects} (what) VALUES ($1)`, [body.files.join(',')]));
      if (body.fail) throw new Error('failed after storing');
      return reply.code(201).send({ run: runs, claimedBefore: before !== undefined });
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const post = (payload: object, key?: string) =>
    app.inject({ method: 'POST', url: '/upload', payload, headers: { ...bearer('buyer'), ...(key ? { 'idempotency-key': key } : {}) } });

  it('same key + the same parts -> replay; other parts -> 422 IDEMPOTENCY_KEY_REUSED; the handler ran once', async () => {
    const first = await post({ files: ['a1'] }, 'k-parts');
    expect([first.statusCode, first.json()]).toEqual([201, { run: 1, claimedBefore: false }]);
    const again = await post({ files: ['a1'] }, 'k-parts');
    expect([again.statusCode, again.headers['idempotent-replayed'], again.json()]).toEqual([201, 'true', first.json()]);
    const other = await post({ files: ['b2'] }, 'k-parts');
    expect([other.statusCode, other.json().code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect((await post({ files: ['a1', 'c3'] }, 'k-parts')).statusCode).toBe(422);
    expect(runs).toBe(1);
  });

  it("a claim made in the handler opens the request's transaction: its effects commit with the answer, so a 500 after them leaves nothing and the retry runs", async () => {
    const stored = async () => (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${effects} WHERE what = 'd4'`)).rows[0]!.n;
    const before = runs;
    expect((await post({ files: ['d4'], fail: true }, 'k-parts-fail')).statusCode).toBe(500);
    expect(await keyRow('k-parts-fail')).toBeUndefined();
    expect(await stored()).toBe(0);
    const retry = await post({ files: ['d4'] }, 'k-parts-fail');
    expect(retry.statusCode).toBe(201);
    expect(await stored()).toBe(1);
    expect(await keyRow('k-parts-fail')).toEqual({ status: 'completed', answer_lost: false });
    expect(runs).toBe(before + 2);
  });

  it('without a key the route runs every time and records nothing', async () => {
    const before = runs;
    await post({ files: ['e5'] });
    await post({ files: ['e5'] });
    expect(runs).toBe(before + 2);
  });
});
