import { DomainError } from '@bp/contracts';
import { testDatabase, type TestDatabase } from '@bp/testing';
import { isFinalAnswer, migrateIdempotency, retryLater, type ServiceApp } from '../src';
import { bearer, testApp } from './helpers';

/**
 * S3: an answer that only means "not known here yet" (Retry-After) is never kept as the key's answer:
 * the same key sent again later runs the request again, and its real answer is what the key keeps.
 */
describe('Idempotency-Key and transient answers (S3)', () => {
  let db: TestDatabase;
  let app: ServiceApp;
  let known = false;
  let runs = 0;
  let conflicts = 0;

  beforeAll(async () => {
    db = await testDatabase('http_idem_transient');
    await migrateIdempotency(db.pool, db.schema);
    app = await testApp({ pool: db.pool, schema: db.schema, rateLimit: false });
    // Pays an order this service may not have heard of yet (as escrow before it consumed OrderPlaced).
    app.post('/payments', { config: { roles: ['buyer'] } }, async (_req, reply) => {
      runs++;
      if (!known) throw retryLater(new DomainError('ESCROW_ORDER_UNKNOWN', 'no order o-1', 'not_found'));
      return reply.code(201).send({ paymentId: `p-${runs}`, status: 'captured' });
    });
    app.post('/unknown-for-good', { config: { roles: ['buyer'] } }, async () => {
      throw new DomainError('ESCROW_ORDER_UNKNOWN', 'no order', 'not_found');
    });
    app.post('/contended', { config: { roles: ['buyer'] } }, async () => {
      if (conflicts-- > 0) throw Object.assign(new Error('stale'), { name: 'VersionConflictError' });
      return { ok: true };
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const post = (url: string, key: string) =>
    app.inject({ method: 'POST', url, payload: { orderId: 'o-1' }, headers: { ...bearer('buyer'), 'idempotency-key': key } });

  it('isFinalAnswer: below 500 without Retry-After only', () => {
    expect(isFinalAnswer(201, undefined)).toBe(true);
    expect(isFinalAnswer(404, undefined)).toBe(true);
    expect(isFinalAnswer(404, '1')).toBe(false);
    expect(isFinalAnswer(409, '1')).toBe(false);
    expect(isFinalAnswer(503, undefined)).toBe(false);
  });

  it('S3: a 404 "not known yet" with Retry-After is not stored; the same key later succeeds, and that success is replayed', async () => {
    known = false;
    runs = 0;
    const early = await post('/payments', 'k-pay-early');
    expect(early.statusCode).toBe(404);
    expect(early.headers['retry-after']).toBe('1');
    expect(early.headers['content-type']).toContain('application/problem+json');
    expect(early.json()).toMatchObject({ code: 'ESCROW_ORDER_UNKNOWN', status: 404 });
    const { rows } = await db.pool.query(`SELECT 1 FROM ${db.schema}.idempotency_keys WHERE key = 'k-pay-early'`);
    expect(rows).toHaveLength(0); // the key was released, not kept

    known = true; // the order arrived
    const later = await post('/payments', 'k-pay-early');
    expect(later.statusCode).toBe(201);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    const again = await post('/payments', 'k-pay-early');
    expect([again.statusCode, again.headers['idempotent-replayed'], again.json()]).toEqual([201, 'true', later.json()]);
    expect(runs).toBe(2);
  });

  it('a 404 without Retry-After stays the final answer of its key (replayed)', async () => {
    await post('/unknown-for-good', 'k-final-404');
    const again = await post('/unknown-for-good', 'k-final-404');
    expect([again.statusCode, again.headers['idempotent-replayed']]).toEqual([404, 'true']);
  });

  it('409 CONCURRENT_UPDATE (it carries Retry-After) releases the key: the retry with the same key runs', async () => {
    conflicts = 1;
    const first = await post('/contended', 'k-contended');
    expect([first.statusCode, first.json().code]).toEqual([409, 'CONCURRENT_UPDATE']);
    const retry = await post('/contended', 'k-contended');
    expect([retry.statusCode, retry.headers['idempotent-replayed']]).toEqual([200, undefined]);
  });
});
