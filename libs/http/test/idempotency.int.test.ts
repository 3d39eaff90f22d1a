import { DomainError } from '@bp/contracts';
import { testDatabase, type TestDatabase } from '@bp/testing';
import { z } from 'zod';
import { migrateIdempotency, type ServiceApp } from '../src';
import { bearer, testApp } from './helpers';

const Body = z.strictObject({ sku: z.string() });

describe('Idempotency-Key on POST', () => {
  let db: TestDatabase;
  let app: ServiceApp;
  const runs: Record<string, number> = {};
  const ran = (name: string) => (runs[name] = (runs[name] ?? 0) + 1);
  let flakyFailures = 1;
  let loseStore = true;
  let gate: { entered: Promise<void>; enter: () => void; release: () => void; released: Promise<void> };
  const newGate = () => {
    let enter!: () => void;
    let release!: () => void;
    const entered = new Promise<void>((r) => (enter = r));
    const released = new Promise<void>((r) => (release = r));
    gate = { entered, enter, release, released };
  };

  beforeAll(async () => {
    db = await testDatabase('http_idem');
    await migrateIdempotency(db.pool, db.schema);
    await migrateIdempotency(db.pool, db.schema); // re-running is harmless
    app = await testApp({ pool: db.pool, schema: db.schema, rateLimit: false });
    app.post('/orders', { config: { roles: ['buyer'] }, schema: { body: Body } }, async (req, reply) => {
      const n = ran('orders');
      return reply
        .code(201)
        .header('location', `/orders/o-${n}`)
        .header('etag', '"1"')
        .send({ orderId: `o-${n}`, sku: req.body.sku, by: req.user?.sub });
    });
    app.post('/refuse', { config: { roles: ['buyer'] } }, async () => {
      ran('refuse');
      throw new DomainError('ORDER_NOT_SHIPPED', 'not shipped', 'conflict');
    });
    app.post('/flaky', { config: { roles: ['buyer'] } }, async () => {
      ran('flaky');
      if (flakyFailures-- > 0) throw new Error('transient');
      return { ok: true };
    });
    app.post('/slow', { config: { roles: ['buyer'] } }, async () => {
      ran('slow');
      gate.enter();
      await gate.released;
      return { done: true };
    });
    // The idempotency table vanishes while the request runs (in the request's own transaction, as
    // its queries are): the key and its answer cannot be written, so the request cannot commit.
    app.post('/store-lost', { config: { roles: ['buyer'] } }, async (_req, reply) => {
      ran('store-lost');
      if (loseStore) await db.pool.query(`ALTER TABLE ${db.schema}.idempotency_keys RENAME TO idempotency_keys_lost`);
      return reply.code(201).send({ done: true });
    });
    app.post('/empty', { config: { roles: ['buyer'] } }, async (_req, reply) => {
      ran('empty');
      return reply.code(204).send();
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const post = (url: string, payload: object, key: string | undefined, sub = 'buyer-1') =>
    app.inject({ method: 'POST', url, payload, headers: { ...bearer('buyer', sub), ...(key !== undefined ? { 'idempotency-key': key } : {}) } });

  it('the key cannot be recorded when the request commits -> nothing it did stands: its answer becomes a 500 problem leaking nothing, and the retry runs', async () => {
    try {
      const res = await post('/store-lost', {}, 'k-store-lost');
      expect([res.statusCode, res.json().code]).toEqual([500, 'INTERNAL_ERROR']);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).not.toContain('idempotency_keys');
    } finally {
      await db.pool.query(`ALTER TABLE IF EXISTS ${db.schema}.idempotency_keys_lost RENAME TO idempotency_keys`);
    }
    loseStore = false;
    const retry = await post('/store-lost', {}, 'k-store-lost');
    expect([retry.statusCode, retry.headers['idempotent-replayed']]).toEqual([201, undefined]);
    expect(runs['store-lost']).toBe(2);
  });

  it('same key, same body, same principal -> the first response replayed exactly', async () => {
    const first = await post('/orders', { sku: 'a' }, 'k-replay');
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await post('/orders', { sku: 'a' }, 'k-replay');
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.headers.etag).toBe('"1"');
    expect(again.headers['content-type']).toBe(first.headers['content-type']);
    expect(runs.orders).toBe(1);
  });

  it('same key with a different body -> 422 IDEMPOTENCY_KEY_REUSED, nothing runs', async () => {
    await post('/orders', { sku: 'b' }, 'k-mismatch');
    const before = runs.orders;
    const res = await post('/orders', { sku: 'c' }, 'k-mismatch');
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', status: 422 });
    expect(runs.orders).toBe(before);
  });

  it('the same key on another path is a different request -> 422', async () => {
    await post('/orders', { sku: 'p' }, 'k-path');
    expect((await post('/flaky', { sku: 'p' }, 'k-path')).statusCode).toBe(422);
  });

  it('two concurrent requests with one key: the handler runs once, the other gets 409 IN_FLIGHT', async () => {
    newGate();
    const before = runs.slow ?? 0;
    const a = post('/slow', {}, 'k-concurrent');
    await gate.entered;
    const b = await post('/slow', {}, 'k-concurrent'); // answers while the first is still inside the handler
    expect(b.statusCode).toBe(409);
    expect(b.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_FLIGHT' });
    gate.release();
    expect((await a).statusCode).toBe(200);
    const c = await post('/slow', {}, 'k-concurrent');
    expect(c.headers['idempotent-replayed']).toBe('true');
    expect(runs.slow).toBe(before + 1);
  });

  it('truly simultaneous requests: exactly one handler run, every answer is the result, a replay or 409', async () => {
    newGate();
    gate.release(); // no waiting in the handler: races are decided by the key's primary key alone
    const before = runs.slow ?? 0;
    const answers = await Promise.all(Array.from({ length: 8 }, () => post('/slow', {}, 'k-race')));
    expect(runs.slow).toBe(before + 1);
    for (const r of answers) expect([200, 409]).toContain(r.statusCode);
    expect(answers.filter((r) => r.statusCode === 200 && r.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
  });

  it('different principals never collide on the same key', async () => {
    const before = runs.orders!;
    const one = await post('/orders', { sku: 'z' }, 'k-shared', 'buyer-1');
    const two = await post('/orders', { sku: 'z' }, 'k-shared', 'buyer-2');
    expect(runs.orders).toBe(before + 2);
    expect(one.json().by).toBe('buyer-1');
    expect(two.json().by).toBe('buyer-2');
    expect(two.headers['idempotent-replayed']).toBeUndefined();
  });

  it('a 5xx is not stored: the retry runs again, and its success is stored', async () => {
    flakyFailures = 1;
    const before = runs.flaky ?? 0;
    expect((await post('/flaky', {}, 'k-flaky')).statusCode).toBe(500);
    const retry = await post('/flaky', {}, 'k-flaky');
    expect(retry.statusCode).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    const third = await post('/flaky', {}, 'k-flaky');
    expect(third.headers['idempotent-replayed']).toBe('true');
    expect(runs.flaky).toBe(before + 2);
  });

  it('a 4xx refusal is stored and replayed as problem+json', async () => {
    const first = await post('/refuse', {}, 'k-refuse');
    const again = await post('/refuse', {}, 'k-refuse');
    expect(first.statusCode).toBe(409);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(runs.refuse).toBe(1);
  });

  it('an empty response is replayed empty', async () => {
    expect((await post('/empty', {}, 'k-empty')).statusCode).toBe(204);
    const again = await post('/empty', {}, 'k-empty');
    expect(again.statusCode).toBe(204);
    expect(again.body).toBe('');
    expect(runs.empty).toBe(1);
  });

  it('invalid input claims no key', async () => {
    expect((await post('/orders', { sku: 1 }, 'k-invalid')).statusCode).toBe(400);
    expect((await post('/orders', { sku: 'ok' }, 'k-invalid')).statusCode).toBe(201);
  });

  it('without a key every POST runs', async () => {
    const before = runs.orders!;
    await post('/orders', { sku: 'n' }, undefined);
    await post('/orders', { sku: 'n' }, undefined);
    expect(runs.orders).toBe(before + 2);
  });

  it('a key longer than 255 characters -> 400', async () => {
    const res = await post('/orders', { sku: 'a' }, 'k'.repeat(256));
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('INVALID_IDEMPOTENCY_KEY');
    expect((await post('/orders', { sku: 'a' }, 'k'.repeat(255))).statusCode).toBe(201);
  });

  it('stores the record with its TTL (24 h by policy)', async () => {
    const { rows } = await db.pool.query(
      `SELECT method, path, status, response_status, extract(epoch FROM expires_at - created_at) AS ttl FROM ${db.schema}.idempotency_keys WHERE key = 'k-replay'`,
    );
    expect(rows).toEqual([{ method: 'POST', path: '/orders', status: 'completed', response_status: 201, ttl: '86400.000000' }]);
  });

  it('an expired key is deleted lazily and may be used afresh', async () => {
    const shortLived = await testApp({ pool: db.pool, schema: db.schema, idempotencyKeyTtl: 'PT0S', rateLimit: false });
    let n = 0;
    shortLived.post('/x', { config: { roles: ['buyer'] } }, async () => ({ n: ++n }));
    const call = () => shortLived.inject({ method: 'POST', url: '/x', payload: {}, headers: { ...bearer('buyer', 'buyer-ttl'), 'idempotency-key': 'k-ttl' } });
    expect((await call()).json()).toEqual({ n: 1 });
    expect((await call()).json()).toEqual({ n: 2 });
    await shortLived.close();
  });
});
