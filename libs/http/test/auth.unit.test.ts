import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSigner } from 'fast-jwt';
import { z } from 'zod';
import { createJwksKeyStore, createServiceApp, type ServiceApp } from '../src';
import { SECRET, bearer, silentLogger, testApp, tokenFor } from './helpers';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const future = () => Math.floor(Date.now() / 1000) + 3600;

const withRoutes = async (app: ServiceApp) => {
  app.get('/buyer-only', { config: { roles: ['buyer'] } }, async (req) => ({ sub: req.user?.sub, role: req.user?.role }));
  app.get('/agents', { preHandler: app.requireRole('agent', 'ops') }, async () => ({ ok: true }));
  app.get('/open', { config: { public: true } }, async (req) => ({ user: req.user ?? null }));
  await app.ready();
  return app;
};

describe('auth (dev-secret, HS256)', () => {
  let app: ServiceApp;
  beforeAll(async () => {
    app = await withRoutes(await testApp());
  });
  afterAll(() => app.close());

  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

  it('missing token -> 401 problem', async () => {
    const res = await get('/buyer-only');
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', type: 'https://errors.buyer-protection.dev/unauthenticated' });
    expect(res.headers['www-authenticate']).toContain('Bearer');
  });

  it('malformed Authorization header -> 401', async () => {
    expect((await get('/buyer-only', { authorization: 'Basic abc' })).statusCode).toBe(401);
    expect((await get('/buyer-only', { authorization: 'Bearer not-a-jwt' })).statusCode).toBe(401);
  });

  it('expired token -> 401', async () => {
    const expired = createSigner({ key: SECRET, algorithm: 'HS256' })({ sub: 'b', role: 'buyer', exp: Math.floor(Date.now() / 1000) - 600 });
    const res = await get('/buyer-only', { authorization: `Bearer ${expired}` });
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toMatch(/expired/);
  });

  it('token signed with another key -> 401', async () => {
    const forged = createSigner({ key: 'another-secret-another-secret-xx', algorithm: 'HS256' })({ sub: 'b', role: 'buyer', exp: future() });
    expect((await get('/buyer-only', { authorization: `Bearer ${forged}` })).statusCode).toBe(401);
  });

  it('alg: none -> 401', async () => {
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'b', role: 'buyer', exp: future() })}.`;
    expect((await get('/buyer-only', { authorization: `Bearer ${none}` })).statusCode).toBe(401);
  });

  it.each([
    ['sub', { role: 'buyer', exp: future() }],
    ['role', { sub: 'b', exp: future() }],
    ['exp', { sub: 'b', role: 'buyer' }],
    ['a known role', { sub: 'b', role: 'admin', exp: future() }],
    ['a sub that is not a reserved party id ("agents" is the shared agents mailbox)', { sub: 'agents', role: 'buyer', exp: future() }],
    ['a sub that is not a reserved party id, in any case', { sub: 'System', role: 'seller', exp: future() }],
  ])('missing or invalid claim (%s) -> 401', async (_name, claims) => {
    const t = createSigner({ key: SECRET, algorithm: 'HS256', noTimestamp: true })(claims);
    expect((await get('/buyer-only', { authorization: `Bearer ${t}` })).statusCode).toBe(401);
  });

  it('wrong role -> 403 FORBIDDEN_ROLE (config.roles and requireRole)', async () => {
    const a = await get('/buyer-only', bearer('seller'));
    expect(a.statusCode).toBe(403);
    expect(a.json()).toMatchObject({ code: 'FORBIDDEN_ROLE', status: 403 });
    const b = await get('/agents', bearer('buyer'));
    expect(b.statusCode).toBe(403);
    expect(b.json().code).toBe('FORBIDDEN_ROLE');
  });

  it('right role -> 200 with request.user', async () => {
    const res = await get('/buyer-only', bearer('buyer', 'buyer-42'));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ sub: 'buyer-42', role: 'buyer' });
    expect((await get('/agents', bearer('ops'))).statusCode).toBe(200);
  });

  it('public routes need no token', async () => {
    const res = await get('/open');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ user: null });
    expect((await get('/health/live')).statusCode).toBe(200);
  });
});

describe('deny by default', () => {
  it('startup fails for a route declaring no roles', async () => {
    const app = await testApp();
    await expect(
      app.register(async (child) => {
        child.post('/orders', async () => ({}));
      }),
    ).rejects.toThrow(/POST \/orders declares no access policy/);
    await app.close();
  });

  it('an empty roles list is no policy either', async () => {
    const app = await testApp();
    expect(() => app.get('/x', { config: { roles: [] } }, async () => ({}))).toThrow(/declares no access policy/);
    await app.close();
  });
});

describe('auth (public key, RS256)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pubPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const privPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  let app: ServiceApp;
  beforeAll(async () => {
    app = await withRoutes(
      await createServiceApp({ name: 't', logger: silentLogger(), auth: { mode: 'public-key', publicKey: pubPem, algorithms: ['RS256'] } }),
    );
  });
  afterAll(() => app.close());

  it('accepts an RS256 token from the key holder', async () => {
    const t = createSigner({ key: privPem, algorithm: 'RS256', expiresIn: 60_000 })({ sub: 's', role: 'buyer' });
    expect((await app.inject({ url: '/buyer-only', headers: { authorization: `Bearer ${t}` } })).statusCode).toBe(200);
  });

  it('refuses HS256 "signed" with the public key (algorithm confusion)', async () => {
    const header = b64({ alg: 'HS256', typ: 'JWT' });
    const payload = b64({ sub: 's', role: 'buyer', exp: future() });
    const { createHmac } = await import('node:crypto');
    const sig = createHmac('sha256', pubPem).update(`${header}.${payload}`).digest('base64url');
    expect((await app.inject({ url: '/buyer-only', headers: { authorization: `Bearer ${header}.${payload}.${sig}` } })).statusCode).toBe(401);
  });

  it('refuses a dev token', async () => {
    expect((await app.inject({ url: '/buyer-only', headers: { authorization: `Bearer ${tokenFor('buyer')}` } })).statusCode).toBe(401);
  });
});

describe('auth (JWKS, ES256)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  let server: Server;
  let app: ServiceApp;
  let fetches = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      fetches++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig', alg: 'ES256' }] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    app = await withRoutes(
      await createServiceApp({
        name: 't',
        logger: silentLogger(),
        auth: { mode: 'jwks', jwksUrl: `http://127.0.0.1:${port}/jwks.json`, algorithms: ['ES256'] },
      }),
    );
  });
  afterAll(async () => {
    await app.close();
    await new Promise((r) => server.close(r));
  });

  const sign = (kid: string) => createSigner({ key: privPem, algorithm: 'ES256', kid, expiresIn: 60_000 })({ sub: 'p', role: 'buyer' });

  it('verifies with the key of the token kid, fetched once and cached', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await app.inject({ url: '/buyer-only', headers: { authorization: `Bearer ${sign('k1')}` } })).statusCode).toBe(200);
    }
    expect(fetches).toBe(1);
  });

  it('an unknown kid -> 401', async () => {
    expect((await app.inject({ url: '/buyer-only', headers: { authorization: `Bearer ${sign('nope')}` } })).statusCode).toBe(401);
  });

  it('made-up kids right after a miss are refused without another JWKS fetch; the known kid still verifies', async () => {
    const before = fetches;
    for (const kid of ['forged-1', 'forged-2', 'forged-3']) {
      expect((await app.inject({ url: '/buyer-only', headers: { authorization: `Bearer ${sign(kid)}` } })).statusCode).toBe(401);
    }
    expect(fetches - before).toBeLessThanOrEqual(1);
    expect((await app.inject({ url: '/buyer-only', headers: { authorization: `Bearer ${sign('k1')}` } })).statusCode).toBe(200);
  });
});

describe('JWKS key store (get-jwks), key rotation', () => {
  const jwk = (kid: string) => ({ ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' });
  let keys = [jwk('old')];
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys })));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tenant/jwks.json?v=1`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('finds a key published after the first fetch (rotation) once the miss cooldown is over', async () => {
    const store = createJwksKeyStore(url, { minRefetchMs: 0 });
    expect(await store.keyFor('old', 'ES256')).toContain('BEGIN PUBLIC KEY');
    await expect(store.keyFor('new', 'ES256')).rejects.toThrow();
    keys = [...keys, jwk('new')];
    expect(await store.keyFor('new', 'ES256')).toContain('BEGIN PUBLIC KEY');
  });

  it('refuses a token without kid and a key of another algorithm', async () => {
    const store = createJwksKeyStore(url);
    await expect(store.keyFor(undefined, 'ES256')).rejects.toThrow('no kid');
    await expect(store.keyFor('old', 'RS256')).rejects.toThrow();
  });
});

describe('zod type provider', () => {
  it('validates params with zod and types the handler', async () => {
    const app = await testApp();
    app.get('/items/:id', { config: { roles: ['buyer'] }, schema: { params: z.object({ id: z.uuid() }) } }, async (req) => ({ id: req.params.id }));
    await app.ready();
    expect((await app.inject({ url: '/items/nope', headers: bearer('buyer') })).statusCode).toBe(400);
    await app.close();
  });
});
