import { bearer, testApp } from './helpers';

describe('rate limit on writes', () => {
  it('per user: the (max+1)th write in the window -> 429 RATE_LIMITED with Retry-After; reads and others unaffected', async () => {
    const app = await testApp({ rateLimit: { max: 3, timeWindowMs: 60_000 } });
    app.post('/things', { config: { roles: ['buyer'] } }, async () => ({ ok: true }));
    app.get('/things', { config: { roles: ['buyer'] } }, async () => ({ ok: true }));
    await app.ready();
    const write = (sub: string) => app.inject({ method: 'POST', url: '/things', payload: {}, headers: bearer('buyer', sub) });

    for (let i = 0; i < 3; i++) expect((await write('b-1')).statusCode).toBe(200);
    const limited = await write('b-1');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);

    expect((await write('b-2')).statusCode).toBe(200); // another user has their own budget
    for (let i = 0; i < 5; i++) expect((await app.inject({ url: '/things', headers: bearer('buyer', 'b-1') })).statusCode).toBe(200);
    await app.close();
  });

  it('can be switched off', async () => {
    const app = await testApp({ rateLimit: false });
    app.post('/things', { config: { roles: ['buyer'] } }, async () => ({ ok: true }));
    for (let i = 0; i < 5; i++) expect((await app.inject({ method: 'POST', url: '/things', payload: {}, headers: bearer('buyer') })).statusCode).toBe(200);
    await app.close();
  });
});
