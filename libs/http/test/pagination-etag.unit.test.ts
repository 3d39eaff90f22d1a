import { z } from 'zod';
import { decodeCursor, encodeCursor, Page, pageOf, parseIfMatch, setVersionHeaders, type ServiceApp } from '../src';
import { bearer, testApp } from './helpers';

const ITEMS = Array.from({ length: 45 }, (_, i) => ({ id: `i-${String(i).padStart(2, '0')}` }));
const Position = z.object({ after: z.string() });

describe('pagination', () => {
  let app: ServiceApp;
  beforeAll(async () => {
    app = await testApp();
    app.get('/items', { config: { roles: ['buyer'] }, schema: { querystring: Page, response: { 200: pageOf(z.object({ id: z.string() })) } } }, async (req) => {
      const after = req.query.cursor ? decodeCursor(req.query.cursor, Position).after : '';
      const items = ITEMS.filter((i) => i.id > after).slice(0, req.query.limit);
      const last = items.at(-1);
      const more = last !== undefined && last.id < ITEMS[ITEMS.length - 1]!.id;
      return { items, nextCursor: more ? encodeCursor({ after: last.id }) : null };
    });
    await app.ready();
  });
  afterAll(() => app.close());

  const list = (qs: string) => app.inject({ url: `/items${qs}`, headers: bearer('buyer') });

  it('encode/decode round-trips', () => {
    const c = encodeCursor({ after: 'x', n: 3 });
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(c)).toEqual({ after: 'x', n: 3 });
  });

  it('walks every item exactly once with the default page size 20', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list(cursor ? `?cursor=${cursor}` : '');
      expect(res.statusCode).toBe(200);
      const body = res.json() as { items: { id: string }[]; nextCursor: string | null };
      expect(body.items.length).toBeLessThanOrEqual(20);
      seen.push(...body.items.map((i) => i.id));
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(ITEMS.map((i) => i.id));
  });

  it('limit is 1..100', async () => {
    expect((await list('?limit=5')).json().items).toHaveLength(5);
    expect((await list('?limit=0')).json().code).toBe('VALIDATION_FAILED');
    expect((await list('?limit=101')).statusCode).toBe(400);
  });

  it.each(['not*base64', encodeCursor({ wrong: 1 }), Buffer.from('not json').toString('base64url'), Buffer.from('[1]').toString('base64url')])(
    'a bad cursor (%s) -> 400 INVALID_CURSOR',
    async (cursor) => {
      const res = await list(`?cursor=${encodeURIComponent(cursor)}`);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'INVALID_CURSOR', status: 400 });
    },
  );
});

describe('ETag / If-Match', () => {
  it('sets the version as a strong ETag and parses If-Match', async () => {
    const app = await testApp();
    app.post('/things/:id/rename', { config: { roles: ['seller'] } }, async (req, reply) => {
      const expected = parseIfMatch(req);
      setVersionHeaders(reply, 8);
      return { expected: expected ?? null };
    });
    await app.ready();
    const call = (ifMatch?: string) =>
      app.inject({ method: 'POST', url: '/things/1/rename', payload: {}, headers: { ...bearer('seller'), ...(ifMatch ? { 'if-match': ifMatch } : {}) } });
    const res = await call('"7"');
    expect(res.headers.etag).toBe('"8"');
    expect(res.json()).toEqual({ expected: 7 });
    expect((await call('W/"3"')).json()).toEqual({ expected: 3 });
    expect((await call()).json()).toEqual({ expected: null });
    expect((await call('*')).json()).toEqual({ expected: null });
    const bad = await call('seven');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('INVALID_IF_MATCH');
    await app.close();
  });
});
