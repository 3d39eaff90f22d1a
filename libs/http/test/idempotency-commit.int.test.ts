import { DomainError } from '@bp/contracts';
import { commitPending, outsideRequest, withTransaction } from '@bp/eventstore';
import { testDatabase, type TestDatabase } from '@bp/testing';
import http from 'node:http';
import { Client, type QueryResult } from 'pg';
import { createIdempotencyStore, migrateIdempotency, type ServiceApp } from '../src';
import { bearer, testApp } from './helpers';

/**
 * One commit per keyed request (issue 18 item 2): the Idempotency-Key's claim, the request's effects
 * and its stored answer are one transaction. Effects never stand without the key's answer, and a
 * request that failed before its commit left nothing, so its retry simply runs. A request that must
 * commit early (it calls a payment provider next: commitPending) keeps the earlier guarantee: its
 * key is committed with those effects and a retry never repeats them.
 */
describe("Idempotency-Key and the request's own commit", () => {
  let db: TestDatabase;
  let app: ServiceApp;
  const runs: Record<string, number> = {};
  const ran = (name: string) => (runs[name] = (runs[name] ?? 0) + 1);
  let effects: string;
  /** Read from outside any request: what is committed. */
  const committed = async (what: string) =>
    outsideRequest(async () => (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${effects} WHERE what = $1`, [what])).rows[0]!.n);
  const keyRow = async (key: string) =>
    outsideRequest(async () => (await db.pool.query(`SELECT status, answer_lost FROM ${db.schema}.idempotency_keys WHERE key = $1`, [key])).rows[0]);
  const effect = (what: string) => withTransaction(db.pool, (tx) => tx.query(`INSERT INTO ${effects} (what) VALUES ($1)`, [what]));

  const slowGate = (() => {
    let enter!: () => void;
    let release!: () => void;
    const entered = new Promise<void>((r) => (enter = r));
    const released = new Promise<void>((r) => (release = r));
    return { entered, enter, released, release };
  })();

  beforeAll(async () => {
    db = await testDatabase('http_idem_commit');
    effects = `${db.schema}.effects`;
    await db.pool.query(`CREATE TABLE ${effects} (what text NOT NULL)`);
    await migrateIdempotency(db.pool, db.schema);
    app = await testApp({ pool: db.pool, schema: db.schema, rateLimit: false });
    app.post('/commit', { config: { roles: ['buyer'] } }, async (_req, reply) => {
      ran('commit');
      await effect('commit');
      // After its command, before its answer: the request reads its own write (its queries run in
      // its transaction), nobody else sees it or the key yet.
      const own = (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${effects} WHERE what = 'commit'`)).rows[0]!.n;
      return reply.code(201).send({ own, outside: await committed('commit'), key: (await keyRow('k-commit')) ?? null });
    });
    let failures = 1;
    app.post('/command-then-fail', { config: { roles: ['buyer'] } }, async () => {
      ran('command-then-fail');
      await effect('command-then-fail');
      if (failures-- > 0) throw new Error('the view could not be read after the command');
      return { ok: true };
    });
    app.post('/early-then-fail', { config: { roles: ['buyer'] } }, async () => {
      ran('early-then-fail');
      await effect('early-then-fail');
      await commitPending(); // as before asking a payment provider
      throw new Error('the provider call failed');
    });
    // Commits early (as before a provider call), then its last part cannot commit (connection cut).
    app.post('/early-then-cut', { config: { roles: ['buyer'] } }, async (_req, reply) => {
      ran('early-then-cut');
      await effect('early-then-cut-1');
      await commitPending();
      await effect('early-then-cut-2');
      const pid = (await db.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await outsideRequest(() => db.pool.query('SELECT pg_terminate_backend($1)', [pid]));
      return reply.code(201).send({ done: true });
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
    let cut = true;
    // The request's connection dies after its command, before its answer is committed (the process
    // or the database going away at that point): the commit in onSend fails.
    app.post('/cut-before-answer', { config: { roles: ['buyer'] } }, async (_req, reply) => {
      ran('cut-before-answer');
      await effect('cut-before-answer');
      if (cut) {
        cut = false;
        const pid = (await db.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid; // the request's own connection
        await outsideRequest(() => db.pool.query('SELECT pg_terminate_backend($1)', [pid]));
      }
      return reply.code(201).send({ done: true });
    });
    app.post('/read-fails', { config: { roles: ['buyer'] } }, async () => {
      ran('read-fails');
      await db.pool.query(`SELECT 'not-a-uuid'::uuid`).catch(() => undefined); // aborts the statement, in the request's transaction
      throw new DomainError('THING_NOT_FOUND', 'no such thing', 'not_found');
    });
    app.post('/slow-commit', { config: { roles: ['buyer'] } }, async (_req, reply) => {
      slowGate.enter();
      await slowGate.released;
      await effect('slow-commit');
      return reply.code(201).send({ done: true });
    });
    app.post('/quoted', { config: { roles: ['buyer'] } }, async (_req, reply) => {
      await effect('quoted');
      return reply.code(201).send({ text: "it's a \\'quote\\' -- ; COMMIT; DROP TABLE x" });
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const post = (url: string, key: string, sub = 'buyer-1') =>
    app.inject({ method: 'POST', url, payload: {}, headers: { ...bearer('buyer', sub), 'idempotency-key': key } });

  it('effects and the key with its answer commit together: before the answer nobody sees either, after it both; replayed', async () => {
    const first = await post('/commit', 'k-commit');
    expect([first.statusCode, first.json()]).toEqual([201, { own: 1, outside: 0, key: null }]);
    expect(await committed('commit')).toBe(1);
    expect(await keyRow('k-commit')).toEqual({ status: 'completed', answer_lost: false });
    const again = await post('/commit', 'k-commit');
    expect([again.headers['idempotent-replayed'], again.json()]).toEqual(['true', first.json()]);
    expect(runs.commit).toBe(1);
  });

  it('a keyed command is ONE commit: the claim is sent with BEGIN, the answer with the COMMIT', async () => {
    const sent: string[] = [];
    const query = Client.prototype.query as (...a: unknown[]) => unknown;
    Client.prototype.query = function traced(this: Client, ...a: unknown[]) {
      const q = a[0] as string | { text: string };
      sent.push(typeof q === 'string' ? q : q.text);
      return query.apply(this, a);
    } as typeof Client.prototype.query;
    try {
      expect((await post('/commit', 'k-one-commit')).statusCode).toBe(201);
    } finally {
      Client.prototype.query = query as typeof Client.prototype.query;
    }
    expect(sent.filter((t) => /^BEGIN\b/.test(t))).toEqual([expect.stringMatching(/^BEGIN; SELECT pg_try_advisory_xact_lock\(/)]);
    expect(sent.filter((t) => /\bCOMMIT\s*$/.test(t))).toEqual([expect.stringMatching(/^INSERT INTO .*idempotency_keys .*'completed'.*; COMMIT$/s)]);
    // The only writes: the command's, inside that transaction (after BEGIN, before COMMIT), and the commit text itself.
    const writes = sent.filter((t) => /^(INSERT|UPDATE|DELETE)/i.test(t));
    expect(writes).toEqual([expect.stringMatching(/^INSERT INTO .*effects/), expect.stringMatching(/; COMMIT$/)]);
    expect(sent.indexOf(writes[0]!)).toBeGreaterThan(0);
  });

  it('a crash between the command and the stored answer leaves no effects: the commit fails (a 5xx), the key is free, the retry runs once more', async () => {
    const cutOff = await post('/cut-before-answer', 'k-cut');
    expect(cutOff.statusCode).toBeGreaterThanOrEqual(500);
    expect(cutOff.headers['content-type']).toContain('application/problem+json');
    expect(await committed('cut-before-answer')).toBe(0);
    expect(await keyRow('k-cut')).toBeUndefined();
    const retry = await post('/cut-before-answer', 'k-cut');
    expect([retry.statusCode, retry.headers['idempotent-replayed']]).toEqual([201, undefined]);
    expect(await committed('cut-before-answer')).toBe(1);
    expect((await post('/cut-before-answer', 'k-cut')).headers['idempotent-replayed']).toBe('true');
    expect(runs['cut-before-answer']).toBe(2);
  });

  it('a request that failed after its command (500) is rolled back whole: the retry runs, the effects happen once', async () => {
    expect((await post('/command-then-fail', 'k-ctf')).statusCode).toBe(500);
    expect(await committed('command-then-fail')).toBe(0);
    expect(await keyRow('k-ctf')).toBeUndefined();
    const retry = await post('/command-then-fail', 'k-ctf');
    expect([retry.statusCode, retry.json()]).toEqual([200, { ok: true }]);
    expect(await committed('command-then-fail')).toBe(1);
    expect(runs['command-then-fail']).toBe(2);
  });

  it('committed early (commitPending) and then failed: the retry gets 409 IDEMPOTENCY_KEY_ANSWER_LOST and is not run again', async () => {
    expect((await post('/early-then-fail', 'k-etf')).statusCode).toBe(500);
    expect(await committed('early-then-fail')).toBe(1);
    expect(await keyRow('k-etf')).toEqual({ status: 'committed', answer_lost: true });
    const retry = await post('/early-then-fail', 'k-etf');
    expect(retry.statusCode).toBe(409);
    expect(retry.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_ANSWER_LOST', status: 409 });
    expect(runs['early-then-fail']).toBe(1);
    expect(await committed('early-then-fail')).toBe(1);
  });

  it('committed early, then the last part cannot commit: a 5xx, the early part stands, the key answers ANSWER_LOST (never run again)', async () => {
    const res = await post('/early-then-cut', 'k-etc');
    expect(res.statusCode).toBeGreaterThanOrEqual(500);
    expect([await committed('early-then-cut-1'), await committed('early-then-cut-2')]).toEqual([1, 0]);
    expect(await keyRow('k-etc')).toEqual({ status: 'committed', answer_lost: true });
    expect((await post('/early-then-cut', 'k-etc')).json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_ANSWER_LOST' });
    expect(runs['early-then-cut']).toBe(1);
  });

  it('a transaction of the request that throws is rolled back alone; the request fails (500), its key is free, the retry runs and is stored', async () => {
    expect((await post('/fail-in-tx', 'k-fit')).statusCode).toBe(500);
    expect(await keyRow('k-fit')).toBeUndefined();
    const retry = await post('/fail-in-tx', 'k-fit');
    expect([retry.statusCode, retry.json()]).toEqual([200, { ok: true }]);
    expect(runs['fail-in-tx']).toBe(2);
    expect(await committed('fail-in-tx')).toBe(1);
    expect((await post('/fail-in-tx', 'k-fit')).headers['idempotent-replayed']).toBe('true');
  });

  it('a failed query of the request does not spoil its transaction: its refusal is still stored and replayed', async () => {
    const first = await post('/read-fails', 'k-read-fails');
    expect([first.statusCode, first.json().code]).toEqual([404, 'THING_NOT_FOUND']);
    const again = await post('/read-fails', 'k-read-fails');
    expect([again.statusCode, again.headers['idempotent-replayed']]).toEqual([404, 'true']);
    expect(runs['read-fails']).toBe(1);
  });

  it('a client that goes away mid-request does not end it: the handler runs on, its answer is committed with its effects, the resend replays it', async () => {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const url = new URL('/slow-commit', address);
    const gone = new Promise<void>((resolve) => {
      const req = http.request(url, {
        method: 'POST',
        headers: { ...bearer('buyer', 'buyer-1'), 'idempotency-key': 'k-gone', 'content-type': 'application/json' },
      });
      req.on('error', () => resolve()); // the socket we destroy
      req.end('{}');
      void slowGate.entered.then(() => req.destroy());
    });
    await gone;
    slowGate.release();
    while (!(await keyRow('k-gone'))) await new Promise((r) => setTimeout(r, 20));
    expect(await keyRow('k-gone')).toEqual({ status: 'completed', answer_lost: false });
    const resent = await post('/slow-commit', 'k-gone');
    expect([resent.statusCode, resent.headers['idempotent-replayed'], resent.json()]).toEqual([201, 'true', { done: true }]);
    expect(await committed('slow-commit')).toBe(1);
  });

  it('the key, the principal and the answer are escaped literals in the commit text: a quoting key and body are stored as they are, a bystander untouched', async () => {
    const nasty = "k' OR key <> '' OR '\\";
    const principal = "o'brien\\";
    expect((await post('/commit', 'k-bystander', principal)).statusCode).toBe(201);
    const first = await post('/quoted', nasty, principal);
    expect(first.statusCode).toBe(201);
    const again = await post('/quoted', nasty, principal);
    expect([again.headers['idempotent-replayed'], again.json()]).toEqual(['true', first.json()]);
    expect(await committed('quoted')).toBe(1);
    expect(await keyRow('k-bystander')).toEqual({ status: 'completed', answer_lost: false });
  });

  it('a process that died after an early commit: once the lease is over its key answers "answer lost", never "run it again"', async () => {
    const store = createIdempotencyStore(db.pool, db.schema, { ttlMs: 60_000, inFlightTimeoutMs: 0 });
    const claim = { principal: 'user:buyer-9', key: 'k-died-after', method: 'POST', path: '/orders', hash: 'h' };
    await db.pool.query(store.committedStatement(claim, false)); // …and the process dies here
    const c = await db.pool.connect();
    try {
      const results = (await c.query(`BEGIN; ${store.claimStatements(claim)}`)) as unknown as QueryResult[];
      expect(store.claimResult(claim, results.slice(1))).toEqual({ kind: 'answer_lost' });
      // With the lease still running, it is in flight.
      const live = createIdempotencyStore(db.pool, db.schema, { ttlMs: 60_000, inFlightTimeoutMs: 60_000 });
      const again = (await c.query(live.claimStatements(claim))) as unknown as QueryResult[];
      expect(live.claimResult(claim, again)).toEqual({ kind: 'in_flight' });
    } finally {
      await c.query('ROLLBACK');
      c.release();
    }
  });

  it('a table created before "committed" existed is upgraded by the migration', async () => {
    const old = `${db.schema}_old`;
    await db.pool.query(`CREATE SCHEMA ${old}`);
    try {
      await db.pool.query(`CREATE TABLE ${old}.idempotency_keys (
        principal text NOT NULL, key text NOT NULL, method text NOT NULL, path text NOT NULL, request_hash text NOT NULL,
        status text NOT NULL CHECK (status IN ('in_flight', 'completed')), response_status integer, response_body jsonb, headers jsonb,
        created_at timestamptz NOT NULL DEFAULT now(), expires_at timestamptz NOT NULL, PRIMARY KEY (principal, key))`);
      await db.pool.query(
        `INSERT INTO ${old}.idempotency_keys VALUES ('p', 'k', 'POST', '/x', 'h', 'in_flight', NULL, NULL, NULL, now(), now() + interval '1 day')`,
      );
      await migrateIdempotency(db.pool, old);
      await migrateIdempotency(db.pool, old);
      await db.pool.query(`UPDATE ${old}.idempotency_keys SET status = 'committed'`);
      expect((await db.pool.query(`SELECT status, answer_lost FROM ${old}.idempotency_keys`)).rows).toEqual([{ status: 'committed', answer_lost: false }]);
      await expect(db.pool.query(`UPDATE ${old}.idempotency_keys SET status = 'bogus'`)).rejects.toThrow('idempotency_keys_status_check');
    } finally {
      await db.pool.query(`DROP SCHEMA ${old} CASCADE`);
    }
  });
});
