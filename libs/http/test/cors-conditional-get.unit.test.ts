import { z } from 'zod';
import { bodyEtag, noneMatchHits, parseCorsOrigins, setVersionHeaders, type ServiceApp } from '../src';
import { bearer, testApp } from './helpers';

const SHOP = 'https://shop.example.com';

const withRoutes = async (app: ServiceApp): Promise<ServiceApp> => {
  let price = 100;
  app.get('/things/:id', { config: { roles: ['buyer', 'seller'] } }, async (req, reply) => {
    setVersionHeaders(reply, 7);
    return { id: (req.params as { id: string }).id, version: 7, allowedActions: req.user?.role === 'buyer' ? ['confirm'] : [] };
  });
  app.get('/list', { config: { roles: ['buyer'] }, schema: { response: { 200: z.object({ price: z.number() }) } } }, async () => ({ price }));
  app.post('/list/bump', { config: { roles: ['buyer'] } }, async () => ({ price: ++price }));
  app.get('/text', { config: { public: true } }, async (_req, reply) => reply.type('text/plain').send('hello'));
  await app.ready();
  return app;
};

describe('conditional GET: ETag and 304', () => {
  let app: ServiceApp;
  beforeAll(async () => {
    app = await withRoutes(await testApp());
  });
  afterAll(() => app.close());

  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers: { ...bearer('buyer'), ...headers } });

  it('a resource keeps its version as ETag; If-None-Match with it answers 304 with no body', async () => {
    const first = await get('/things/t1');
    expect(first.headers.etag).toBe('"7"');
    const again = await get('/things/t1', { 'if-none-match': '"7"' });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe('"7"');
    expect(again.headers['content-type']).toBeUndefined();
  });

  it('a weak If-None-Match, a list of tags and * match too (weak comparison); another version does not', async () => {
    expect((await get('/things/t1', { 'if-none-match': 'W/"7"' })).statusCode).toBe(304);
    expect((await get('/things/t1', { 'if-none-match': '"5", "7"' })).statusCode).toBe(304);
    expect((await get('/things/t1', { 'if-none-match': '*' })).statusCode).toBe(304);
    const stale = await get('/things/t1', { 'if-none-match': '"6"' });
    expect(stale.statusCode).toBe(200);
    expect(stale.json()).toMatchObject({ id: 't1' });
  });

  it('any other JSON GET gets a weak hash of its body, which changes when the body does', async () => {
    const first = await get('/list');
    expect(first.headers.etag).toBe(bodyEtag(first.body));
    expect(first.headers.etag).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
    expect((await get('/list', { 'if-none-match': first.headers.etag as string })).statusCode).toBe(304);
    await app.inject({ method: 'POST', url: '/list/bump', headers: bearer('buyer') });
    const changed = await get('/list', { 'if-none-match': first.headers.etag as string });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(first.headers.etag);
  });

  it('HEAD carries the same ETag (a cheap check for a change), with or without If-None-Match', async () => {
    const head = await app.inject({ method: 'HEAD', url: '/list', headers: bearer('buyer') });
    expect(head.statusCode).toBe(200);
    expect(head.headers.etag).toBe((await get('/list')).headers.etag);
    const conditional = await app.inject({ method: 'HEAD', url: '/things/t1', headers: { ...bearer('buyer'), 'if-none-match': '"7"' } });
    expect(conditional.statusCode).toBe(200);
    expect(conditional.headers.etag).toBe('"7"');
  });

  it('authenticated answers vary on Authorization and are private (one version, per-caller allowedActions)', async () => {
    const res = await get('/things/t1');
    expect(res.headers.vary).toContain('Authorization');
    expect(res.headers['cache-control']).toBe('private, no-cache');
  });

  it('no ETag on errors, writes or non-JSON bodies', async () => {
    const missing = await app.inject({ method: 'GET', url: '/things/t1' });
    expect(missing.statusCode).toBe(401);
    expect(missing.headers.etag).toBeUndefined();
    expect((await app.inject({ method: 'POST', url: '/list/bump', headers: bearer('buyer') })).headers.etag).toBeUndefined();
    expect((await app.inject({ method: 'GET', url: '/text' })).headers.etag).toBeUndefined();
  });

  it('noneMatchHits: absent header never matches', () => {
    expect(noneMatchHits(undefined, '"1"')).toBe(false);
    expect(noneMatchHits('"1"', 'W/"1"')).toBe(true);
  });
});

describe('CORS', () => {
  describe('with configured origins', () => {
    let app: ServiceApp;
    beforeAll(async () => {
      app = await withRoutes(await testApp({ cors: { origins: [SHOP, 'http://localhost:5173'] } }));
    });
    afterAll(() => app.close());

    const preflight = (origin: string, method = 'POST', headers = 'authorization, content-type, idempotency-key, if-match') =>
      app.inject({
        method: 'OPTIONS',
        url: '/list/bump',
        headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
      });

    it('answers a preflight from an allowed origin without a token (204), listing the methods and headers it accepts', async () => {
      const res = await preflight(SHOP);
      expect(res.statusCode).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(SHOP);
      expect(String(res.headers['access-control-allow-methods'])).toContain('POST');
      const allowed = String(res.headers['access-control-allow-headers']).split(/,\s*/);
      expect(allowed).toEqual(
        expect.arrayContaining(['authorization', 'content-type', 'idempotency-key', 'if-match', 'if-none-match', 'traceparent', 'tracestate']),
      );
      expect(res.headers['access-control-max-age']).toBe('600');
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    });

    it('gives no Access-Control-Allow-Origin to an origin not configured', async () => {
      expect((await preflight('https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
      const res = await app.inject({ method: 'GET', url: '/list', headers: { ...bearer('buyer'), origin: 'https://evil.example' } });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('exposes ETag, Location, Retry-After and the problem headers to the allowed origin, and varies on Origin', async () => {
      const res = await app.inject({ method: 'GET', url: '/things/t1', headers: { ...bearer('buyer'), origin: SHOP } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(SHOP);
      const exposed = String(res.headers['access-control-expose-headers']).split(/,\s*/);
      expect(exposed).toEqual(expect.arrayContaining(['etag', 'location', 'retry-after', 'www-authenticate', 'idempotent-replayed', 'x-request-id']));
      expect(String(res.headers.vary)).toMatch(/Origin/);
      expect(String(res.headers.vary)).toMatch(/Authorization/);
    });

    it('still authenticates the actual request (CORS is not authorization)', async () => {
      const res = await app.inject({ method: 'POST', url: '/list/bump', headers: { origin: SHOP } });
      expect(res.statusCode).toBe(401);
      expect(res.headers['access-control-allow-origin']).toBe(SHOP);
    });

    it('refuses a malformed preflight (no Access-Control-Request-Method)', async () => {
      expect((await app.inject({ method: 'OPTIONS', url: '/list', headers: { origin: SHOP } })).statusCode).toBe(400);
    });
  });

  it('by default allows no cross-origin call: no CORS headers, and a preflight is not answered with a grant', async () => {
    const app = await withRoutes(await testApp());
    const res = await app.inject({ method: 'GET', url: '/list', headers: { ...bearer('buyer'), origin: SHOP } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const pre = await app.inject({ method: 'OPTIONS', url: '/list/bump', headers: { origin: SHOP, 'access-control-request-method': 'POST' } });
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    expect(pre.statusCode).toBeGreaterThanOrEqual(400);
    await app.close();
  });

  it('CORS_ORIGINS: exact origins or *, nothing with a path', () => {
    expect(parseCorsOrigins(undefined)).toEqual([]);
    expect(parseCorsOrigins(` ${SHOP}, http://localhost:5173 `)).toEqual([SHOP, 'http://localhost:5173']);
    expect(parseCorsOrigins('*')).toEqual(['*']);
    expect(() => parseCorsOrigins(`${SHOP}/`)).toThrow(/not an origin/);
    expect(() => parseCorsOrigins('shop.example.com')).toThrow(/not an origin/);
  });
});
