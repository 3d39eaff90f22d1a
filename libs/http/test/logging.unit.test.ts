import { z } from 'zod';
import type { ServiceApp } from '../src';
import { captureLogger, testApp, tokenFor } from './helpers';

const CANARY_EMAIL = 'canary-7f3a@example.test';

describe('request logging', () => {
  const log = captureLogger();
  let app: ServiceApp;
  const token = tokenFor('buyer');
  beforeAll(async () => {
    app = await testApp({ logger: log.logger });
    app.post(
      '/recipients',
      { config: { roles: ['buyer'] }, schema: { body: z.strictObject({ email: z.email(), shippingAddress: z.object({ line1: z.string() }) }) } },
      async (req) => {
        // A careless handler logging the whole body: redaction still removes the personal fields.
        req.log.info({ body: req.body }, 'recipient updated');
        return { ok: true, correlationId: req.correlationId };
      },
    );
    app.post('/explode', { config: { roles: ['buyer'] } }, async () => {
      throw new Error('kaboom');
    });
    await app.ready();
  });
  afterAll(() => app.close());

  it('echoes request and correlation ids; correlation defaults to the request id', async () => {
    const a = await app.inject({ url: '/health/live', headers: { 'x-request-id': 'r-1', 'x-correlation-id': 'c-1' } });
    expect(a.headers['x-request-id']).toBe('r-1');
    expect(a.headers['x-correlation-id']).toBe('c-1');
    const b = await app.inject({ url: '/health/live' });
    expect(b.headers['x-request-id']).toEqual(expect.any(String));
    expect(b.headers['x-correlation-id']).toBe(b.headers['x-request-id']);
    const bad = await app.inject({ url: '/health/live', headers: { 'x-request-id': 'has spaces\tand junk' } });
    expect(bad.headers['x-request-id']).not.toContain('junk');
  });

  it('never logs the Authorization header, the body, or personal fields', async () => {
    const payload = { email: CANARY_EMAIL, shippingAddress: { line1: '1 Canary Wharf' } };
    const headers = { authorization: `Bearer ${token}`, 'x-correlation-id': 'corr-log-1', cookie: 'sid=secret-cookie' };
    const ok = await app.inject({ method: 'POST', url: '/recipients', payload, headers });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().correlationId).toBe('corr-log-1');
    await app.inject({ method: 'POST', url: '/recipients', payload: { ...payload, extra: CANARY_EMAIL }, headers }); // 400 path
    await app.inject({ method: 'POST', url: '/explode', payload, headers }); // 500 path

    const text = log.text();
    expect(log.lines.length).toBeGreaterThan(5);
    expect(text).toContain('recipient updated');
    expect(text).toContain('corr-log-1');
    expect(text).not.toContain(CANARY_EMAIL);
    expect(text).not.toContain('Canary Wharf');
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.split('.')[2]);
    expect(text).not.toContain('secret-cookie');
    expect(text).toContain('[redacted]');
  });
});
