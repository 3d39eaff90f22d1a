import { withCommitHook, withTransaction } from '@bp/eventstore';
import { testDatabase, type TestDatabase } from '@bp/testing';
import { createIdempotencyStore, migrateIdempotency, type ServiceApp } from '../src';
import { bearer, testApp } from './helpers';

/**
 * The Idempotency-Key is marked 'committed' in the same commit as the request's effects: a request
 * that committed and then failed (5xx) or died is never run again for a retry with its key.
 */
describe('Idempotency-Key and the request\'s own commit', () => {
  let db: TestDatabase;
  let app: ServiceApp;
  const runs: Record<string, number> = {};
  const ran = (name: string) => (runs[name] = (runs[name] ?? 0) + 1);
  let effects: string;
  const effectCount = async (what: string) => (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${effects} WHERE what = $1`, [what])).rows[0]!.n;
  const keyRow = async (key: string) => (await db.pool.query(`SELECT status, answer_lost FROM ${db.schema}.idempotency_keys WHERE key = $1`, [key])).rows[0];
  const effect = (what: string) => withTransaction(db.pool, (tx) => tx.query(`INSERT INTO ${effects} (what) VALUES ($1)`, [what]));

  beforeAll(async () => {
    db = await testDatabase('http_idem_commit');
    effects = `${db.schema}.effects`;
    await db.pool.query(`CREATE TABLE ${effects} (what text NOT NULL)`);
    await migrateIdempotency(db.pool, db.schema);
    app = await testApp({ pool: db.pool, schema: db.schema, rateLimit: false });
    app.post('/commit-then-fail', { config: { roles: ['buyer'] } }, async () => {
      ran('commit-then-fail');
      await effect('commit-then-fail');
      throw new Error('the view could not be read after the command');
    });
    let inTxFailures = 1;
    app.post('/fail-in-tx', { config: { roles: ['buyer'] } }, async () => {
      ran('fail-in-tx');
      await withTransaction(db.pool, async (tx) => {
        await tx.query(`INSERT INTO ${effects} (what) VALUES ('fail-in-tx')`);
        if (inTxFailures-- > 0) throw new Error('rolled back');
      });
      return { ok: true };
    });
    let readFailures = 1;
    app.post('/read-then-fail', { config: { roles: ['buyer'] } }, async () => {
      ran('read-then-fail');
      await withTransaction(db.pool, (tx) => tx.query('SELECT 1'));
      if (readFailures-- > 0) throw new Error('nothing was written');
      return { ok: true };
    });
    app.post('/commit', { config: { roles: ['buyer'] } }, async (_req, reply) => {
      ran('commit');
      await effect('commit');
      // Inside the request, after its commit and before its answer: the key already says so.
      const marked = (await keyRow('k-commit'))?.status;
      return reply.code(201).send({ marked });
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const post = (url: string, key: string) => app.inject({ method: 'POST', url, payload: {}, headers: { ...bearer('buyer', 'buyer-1'), 'idempotency-key': key } });

  it('a request that committed and then failed (500) is not run again: the retry gets 409 IDEMPOTENCY_KEY_ANSWER_LOST', async () => {
    expect((await post('/commit-then-fail', 'k-ctf')).statusCode).toBe(500);
    const retry = await post('/commit-then-fail', 'k-ctf');
    expect(retry.statusCode).toBe(409);
    expect(retry.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_ANSWER_LOST', status: 409 });
    expect(runs['commit-then-fail']).toBe(1);
    expect(await effectCount('commit-then-fail')).toBe(1);
    expect(await keyRow('k-ctf')).toEqual({ status: 'committed', answer_lost: true });
  });

  it('a request whose transaction rolled back (500) frees its key: the retry runs and its answer is stored', async () => {
    expect((await post('/fail-in-tx', 'k-fit')).statusCode).toBe(500);
    expect(await keyRow('k-fit')).toBeUndefined();
    const retry = await post('/fail-in-tx', 'k-fit');
    expect([retry.statusCode, retry.json()]).toEqual([200, { ok: true }]);
    expect(runs['fail-in-tx']).toBe(2);
    expect(await effectCount('fail-in-tx')).toBe(1);
    expect((await post('/fail-in-tx', 'k-fit')).headers['idempotent-replayed']).toBe('true');
  });

  it('a transaction that wrote nothing does not mark the key: a 500 after it still frees the key', async () => {
    expect((await post('/read-then-fail', 'k-rtf')).statusCode).toBe(500);
    expect((await post('/read-then-fail', 'k-rtf')).statusCode).toBe(200);
    expect(runs['read-then-fail']).toBe(2);
  });

  it('the key is committed with the effects, then completed with the answer and replayed', async () => {
    const first = await post('/commit', 'k-commit');
    expect([first.statusCode, first.json()]).toEqual([201, { marked: 'committed' }]);
    expect(await keyRow('k-commit')).toEqual({ status: 'completed', answer_lost: false });
    const again = await post('/commit', 'k-commit');
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(runs.commit).toBe(1);
  });

  it('the key is marked in the same text as the COMMIT (one round trip), its literals escaped: a quoting key marks only itself (issue 18 item 2)', async () => {
    const store = createIdempotencyStore(db.pool, db.schema, { ttlMs: 60_000, inFlightTimeoutMs: 60_000 });
    const claim = { principal: "user:o'brien\\", method: 'POST', path: '/orders', hash: 'h' };
    const nasty = "k' OR key <> '' OR '\\";
    expect(await store.begin({ ...claim, key: nasty })).toEqual({ kind: 'owner' });
    expect(await store.begin({ ...claim, key: 'k-bystander' })).toEqual({ kind: 'owner' });
    const sent: string[] = [];
    await withCommitHook(
      async (tx) => {
        const statement = store.markCommittedStatement(tx, claim.principal, nasty);
        sent.push(statement);
        return statement;
      },
      () => effect('escaped'),
    );
    expect(sent).toHaveLength(1);
    expect(await keyRow(nasty)).toEqual({ status: 'committed', answer_lost: false });
    expect(await keyRow('k-bystander')).toEqual({ status: 'in_flight', answer_lost: false });
    expect(await effectCount('escaped')).toBe(1);
  });

  it('a process that died after committing: once the in-flight lease is over the key answers "answer lost", never "run it again"', async () => {
    const store = createIdempotencyStore(db.pool, db.schema, { ttlMs: 60_000, inFlightTimeoutMs: 0 });
    const claim = { principal: 'user:buyer-9', method: 'POST', path: '/orders', hash: 'h' };
    expect(await store.begin({ ...claim, key: 'k-died-after' })).toEqual({ kind: 'owner' });
    await withCommitHook((tx) => store.markCommitted(tx, claim.principal, 'k-died-after'), () => effect('died-after'));
    // …the process dies here, before recording the answer.
    expect(await store.begin({ ...claim, key: 'k-died-after' })).toEqual({ kind: 'answer_lost' });
    expect(await effectCount('died-after')).toBe(1);

    // Died before committing anything: the lease over, the key is taken over and the request runs.
    expect(await store.begin({ ...claim, key: 'k-died-before' })).toEqual({ kind: 'owner' });
    expect(await store.begin({ ...claim, key: 'k-died-before' })).toEqual({ kind: 'owner' });
  });

  it('a table created before "committed" existed is upgraded by the migration', async () => {
    const old = `${db.schema}_old`;
    await db.pool.query(`CREATE SCHEMA ${old}`);
    try {
      await db.pool.query(`CREATE TABLE ${old}.idempotency_keys (
        principal text NOT NULL, key text NOT NULL, method text NOT NULL, path text NOT NULL, request_hash text NOT NULL,
        status text NOT NULL CHECK (status IN ('in_flight', 'completed')), response_status integer, response_body jsonb, headers jsonb,
        created_at timestamptz NOT NULL DEFAULT now(), expires_at timestamptz NOT NULL, PRIMARY KEY (principal, key))`);
      await db.pool.query(`INSERT INTO ${old}.idempotency_keys VALUES ('p', 'k', 'POST', '/x', 'h', 'in_flight', NULL, NULL, NULL, now(), now() + interval '1 day')`);
      await migrateIdempotency(db.pool, old);
      await migrateIdempotency(db.pool, old);
      const store = createIdempotencyStore(db.pool, old, { ttlMs: 60_000, inFlightTimeoutMs: 60_000 });
      await withTransaction(db.pool, async (tx) => {
        await tx.query('SELECT pg_current_xact_id()'); // the transaction has written (an xid is assigned)
        await store.markCommitted(tx, 'p', 'k');
      });
      expect((await db.pool.query(`SELECT status, answer_lost FROM ${old}.idempotency_keys`)).rows).toEqual([{ status: 'committed', answer_lost: false }]);
      await expect(db.pool.query(`UPDATE ${old}.idempotency_keys SET status = 'bogus'`)).rejects.toThrow('idempotency_keys_status_check');
    } finally {
      await db.pool.query(`DROP SCHEMA ${old} CASCADE`);
    }
  });
});
