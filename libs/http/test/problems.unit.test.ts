import { DomainError, type DomainErrorKind } from '@bp/contracts';
import { z } from 'zod';
import { problem, problemType, type ServiceApp } from '../src';
import { bearer, captureLogger, testApp } from './helpers';

const Body = z.strictObject({ sku: z.string().min(1), quantity: z.number().int().positive() });

describe('problem+json', () => {
  const log = captureLogger();
  let app: ServiceApp;
  beforeAll(async () => {
    app = await testApp({ logger: log.logger, bodyLimit: 1024 });
    app.post('/items', { config: { roles: ['buyer'] }, schema: { body: Body, response: { 201: Body } } }, async (req, reply) => reply.code(201).send(req.body));
    app.get('/refuse/:kind', { config: { roles: ['buyer'] }, schema: { params: z.object({ kind: z.string() }) } }, async (req) => {
      throw new DomainError('ORDER_NOT_SHIPPED', 'the order has not shipped yet', req.params.kind as DomainErrorKind);
    });
    app.get('/problem', { config: { roles: ['buyer'] } }, async () => {
      throw problem('SOMETHING_SPECIFIC', 409, 'explained');
    });
    app.get('/catching-up', { config: { roles: ['buyer'] } }, async () => {
      throw problem('SERVICE_UNAVAILABLE', 503, 'the service is catching up on events from other services', { headers: { 'retry-after': '1' } });
    });
    app.get('/boom', { config: { roles: ['buyer'] } }, async () => {
      throw new Error('connection to db-internal-7 refused: password=hunter2');
    });
    app.get('/conflict', { config: { roles: ['buyer'] } }, async () => {
      throw Object.assign(new Error('version conflict on order-1: expected 3, actual 4'), { name: 'VersionConflictError' });
    });
    app.get('/nul', { config: { roles: ['buyer'] } }, async () => {
      throw Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
    });
    app.get('/deadlock', { config: { roles: ['buyer'] } }, async () => {
      throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
    });
    // What node-postgres throws while Postgres is down, restarting or recovering (a crashed database).
    app.get('/db-down/:kind', { config: { roles: ['buyer'] }, schema: { params: z.object({ kind: z.string() }) } }, async (req) => {
      const errors: Record<string, Error> = {
        refused: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', errno: -111 }),
        recovering: Object.assign(new Error('the database system is not yet accepting connections'), { code: '57P03', severity: 'FATAL' }),
        shutdown: Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
        lost: new Error('Connection terminated unexpectedly'),
        wrapped: new Error('database unavailable', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) }),
      };
      throw errors[req.params.kind] ?? new Error('unknown kind');
    });
    app.get('/bad-response', { config: { roles: ['buyer'] }, schema: { response: { 200: z.object({ n: z.number() }) } } }, async () => ({ n: 'x' }) as never);
    await app.ready();
  });
  afterAll(() => app.close());

  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/items', payload: payload as object, headers: { ...bearer('buyer'), ...headers } });

  it('type URIs are derived from the code', () => {
    expect(problemType('IDEMPOTENCY_KEY_REUSED')).toBe('https://errors.buyer-protection.dev/idempotency-key-reused');
  });

  it('a valid body passes', async () => {
    const res = await post({ sku: 'a', quantity: 1 });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ sku: 'a', quantity: 1 });
  });

  it('an unknown field -> 400 VALIDATION_FAILED naming it', async () => {
    const res = await post({ sku: 'a', quantity: 1, status: 'PAID' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const body = res.json();
    expect(body).toMatchObject({
      type: 'https://errors.buyer-protection.dev/validation-failed',
      title: 'Bad Request',
      status: 400,
      code: 'VALIDATION_FAILED',
      instance: '/items',
    });
    expect(body.errors).toEqual([{ in: 'body', path: '/status', message: 'unknown field' }]);
    expect(body.detail).toBe('body/status: unknown field');
  });

  it('each invalid field is reported with its path', async () => {
    const res = await post({ sku: '', quantity: -1 });
    expect(res.statusCode).toBe(400);
    const paths = res
      .json()
      .errors.map((e: { path: string }) => e.path)
      .sort();
    expect(paths).toEqual(['/quantity', '/sku']);
  });

  it('malformed JSON -> 400 MALFORMED_BODY', async () => {
    const res = await app.inject({ method: 'POST', url: '/items', payload: '{"sku":', headers: { ...bearer('buyer'), 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('MALFORMED_BODY');
  });

  it('body over the limit -> 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await post({ sku: 'x'.repeat(2000), quantity: 1 });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 });
  });

  it('unsupported content type -> 415', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/items',
      payload: 'a=b',
      headers: { ...bearer('buyer'), 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it.each<[DomainErrorKind, number]>([
    ['validation', 400],
    ['forbidden', 403],
    ['not_found', 404],
    ['conflict', 409],
    ['precondition', 412],
    ['too_large', 413],
    ['unsupported_media', 415],
    ['unprocessable', 422],
    ['rate_limited', 429],
  ])('DomainError kind %s -> %i with its code', async (kind, status) => {
    const res = await app.inject({ url: `/refuse/${kind}`, headers: bearer('buyer') });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toEqual({
      type: 'https://errors.buyer-protection.dev/order-not-shipped',
      title: expect.any(String),
      status,
      detail: 'the order has not shipped yet',
      code: 'ORDER_NOT_SHIPPED',
      instance: `/refuse/${kind}`,
    });
  });

  it('a thrown problem() keeps its code and status', async () => {
    const res = await app.inject({ url: '/problem', headers: bearer('buyer') });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'SOMETHING_SPECIFIC', detail: 'explained' });
  });

  it("the store's version conflict -> 409 CONCURRENT_UPDATE with Retry-After, not a 500", async () => {
    const res = await app.inject({ url: '/conflict', headers: bearer('buyer') });
    expect(res.statusCode).toBe(409);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json()).toMatchObject({ code: 'CONCURRENT_UPDATE' });
  });

  it('text Postgres cannot store -> 400 INVALID_TEXT; a deadlock -> 409 CONCURRENT_UPDATE', async () => {
    expect((await app.inject({ url: '/nul', headers: bearer('buyer') })).json()).toMatchObject({ status: 400, code: 'INVALID_TEXT' });
    expect((await app.inject({ url: '/deadlock', headers: bearer('buyer') })).json()).toMatchObject({ status: 409, code: 'CONCURRENT_UPDATE' });
  });

  it('unknown route -> 404 ROUTE_NOT_FOUND (without needing a token)', async () => {
    const res = await app.inject({ url: '/nowhere?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND', status: 404, instance: '/nowhere' });
  });

  it('unexpected error -> 500 INTERNAL_ERROR, generic detail, logged with the request ids', async () => {
    const res = await app.inject({ url: '/boom', headers: { ...bearer('buyer'), 'x-request-id': 'req-boom-1', 'x-correlation-id': 'corr-boom-1' } });
    expect(res.statusCode).toBe(500);
    const body = res.json();
    expect(body).toMatchObject({ code: 'INTERNAL_ERROR', status: 500, title: 'Internal Server Error' });
    expect(res.body).not.toContain('hunter2');
    expect(res.body).not.toContain('db-internal');
    expect(res.headers['x-request-id']).toBe('req-boom-1');
    const entry = log.lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'request failed');
    expect(entry).toMatchObject({ level: 50, reqId: 'req-boom-1', correlationId: 'corr-boom-1' });
    expect(entry.err.message).toContain('db-internal-7');
  });

  it('a response that breaks its own schema is a 500, not a leak', async () => {
    const res = await app.inject({ url: '/bad-response', headers: bearer('buyer') });
    expect(res.statusCode).toBe(500);
    expect(res.json().code).toBe('INTERNAL_ERROR');
  });

  it('the database unreachable (down, restarting, recovering, connection lost) -> 503 with Retry-After, not a 500', async () => {
    for (const kind of ['refused', 'recovering', 'shutdown', 'lost', 'wrapped']) {
      const res = await app.inject({ url: `/db-down/${kind}`, headers: bearer('buyer') });
      expect([kind, res.statusCode, res.headers['retry-after'], res.json().code]).toEqual([kind, 503, '1', 'SERVICE_UNAVAILABLE']);
      expect(res.body).not.toContain('127.0.0.1');
    }
  });

  it('a 503 thrown on purpose (a consumer catching up) is answered as thrown and logged at warn, not as a failure', async () => {
    const res = await app.inject({ url: '/catching-up', headers: { ...bearer('buyer'), 'x-request-id': 'req-catch-1' } });
    expect([res.statusCode, res.headers['retry-after'], res.json().code]).toEqual([503, '1', 'SERVICE_UNAVAILABLE']);
    const entries = log.lines.map((l) => JSON.parse(l)).filter((l) => l.reqId === 'req-catch-1' && l.level >= 40);
    expect(entries).toEqual([expect.objectContaining({ level: 40, msg: 'request answered: retry later', code: 'SERVICE_UNAVAILABLE', status: 503 })]);
  });
});
