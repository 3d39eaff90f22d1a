import './helpers';
import { z } from 'zod';
import { describeViolations, operation, refusalsOf, responseViolations, type ServiceApp } from '../src';
import { bearer, testApp } from './helpers';

const View = z.object({ id: z.string(), version: z.number().int() });
const Errors = { THING_NOT_FOUND: 'not_found', THING_CLOSED: 'conflict' } as const;

/** One resource with a GET, a POST answering 201 and a route that answers what it did not declare. */
const build = async (): Promise<ServiceApp> => {
  const app = await testApp({ validateResponses: true, rateLimit: false });
  app.get(
    '/things/:id',
    {
      config: { roles: ['buyer', 'agent'] },
      schema: {
        params: z.object({ id: z.string() }),
        ...operation({
          operationId: 'getThing',
          tags: ['things'],
          summary: 'Read a thing',
          ok: { 200: View },
          refusals: refusalsOf(Errors, ['THING_NOT_FOUND']),
        }),
      },
    },
    async (req, reply) => {
      if (req.params.id === 'missing')
        return reply.code(404).type('application/problem+json').send({ type: 't', title: 'Not Found', status: 404, detail: 'd', code: 'THING_NOT_FOUND' });
      if (req.params.id === 'extra') return { id: 'extra', version: 1, secret: 'x' };
      if (req.params.id === 'teapot') return reply.code(418).send({ id: 'x', version: 1 });
      if (req.params.id === 'unknown-code')
        return reply.code(404).type('application/problem+json').send({ type: 't', title: 'Not Found', status: 404, detail: 'd', code: 'SOMETHING_ELSE' });
      return reply.header('etag', '"3"').send({ id: req.params.id, version: 3 });
    },
  );
  app.post(
    '/things',
    {
      config: { roles: ['buyer'] },
      schema: {
        body: z.strictObject({ name: z.string() }),
        ...operation({
          operationId: 'createThing',
          tags: ['things'],
          summary: 'Create',
          ok: { 201: { body: View, description: 'Created', headers: ['Location', 'ETag'] } },
          ifMatch: true,
          refusals: refusalsOf(Errors, ['THING_CLOSED']),
        }),
      },
    },
    async (_req, reply) => reply.code(201).header('location', '/things/a').send({ id: 'a', version: 1 }),
  );
  await app.ready();
  return app;
};

describe('OpenAPI 3.1 from the zod schemas (issue 19)', () => {
  let app: ServiceApp;
  beforeAll(async () => {
    app = await build();
  });
  afterAll(() => app.close());

  it('is 3.1 with operationIds, tags, role security and problem+json refusals with their codes', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    const get = doc.paths['/things/{id}'].get;
    expect(get).toMatchObject({ operationId: 'getThing', tags: ['things'], security: [{ bearerAuth: ['buyer', 'agent'] }] });
    expect(get.responses['200'].content['application/json'].schema.properties.version).toEqual({
      type: 'integer',
      minimum: expect.any(Number),
      maximum: expect.any(Number),
    });
    // Header Objects as OpenAPI has them (schema + description), not nested once more: clients type them.
    expect(get.responses['200'].headers.ETag).toEqual({ schema: { type: 'string' }, description: expect.any(String) });
    expect(get.responses['304']).toBeDefined();
    expect(get.responses['404'].content['application/problem+json'].schema.properties.code.enum).toEqual(['THING_NOT_FOUND']);
    expect(get.responses['401'].content['application/problem+json'].schema.properties.code.enum).toEqual(['UNAUTHENTICATED']);
    expect(get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['id', 'If-None-Match']));
    const post = doc.paths['/things'].post;
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '409', '412', '413', '415', '422', '429', '500', '503']));
    expect(post.responses['201'].headers.Location).toEqual({ schema: { type: 'string' }, description: expect.any(String) });
    expect(post.responses['503'].headers['Retry-After']).toEqual({ schema: { type: 'string', pattern: '^[0-9]+$' }, description: expect.any(String) });
    expect(post.responses['409'].content['application/problem+json'].schema.properties.code.enum).toEqual([
      'CONCURRENT_UPDATE',
      'IDEMPOTENCY_KEY_ANSWER_LOST',
      'IDEMPOTENCY_KEY_IN_FLIGHT',
      'THING_CLOSED',
    ]);
    expect(post.responses['412'].content['application/problem+json'].schema.properties.code.enum).toEqual(['VERSION_MISMATCH']);
    expect(post.parameters.map((p: { name: string }) => p.name)).toEqual(['Idempotency-Key', 'If-Match']);
    expect(post.requestBody.content['application/json'].schema.required).toEqual(['name']);
  });

  it('records nothing for answers the document declares: 200, 201, 304, 401, 400, declared 404', async () => {
    const before = responseViolations().length;
    expect((await app.inject({ method: 'GET', url: '/things/a', headers: bearer('buyer') })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/things/a', headers: { ...bearer('buyer'), 'if-none-match': '"3"' } })).statusCode).toBe(304);
    expect((await app.inject({ method: 'GET', url: '/things/a' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/things/missing', headers: bearer('buyer') })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/things', headers: bearer('buyer'), payload: { name: 'n' } })).statusCode).toBe(201);
    expect((await app.inject({ method: 'POST', url: '/things', headers: bearer('buyer'), payload: { nope: 1 } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/things', headers: bearer('seller'), payload: { name: 'n' } })).statusCode).toBe(403);
    expect(describeViolations(responseViolations().slice(before))).toBe('');
  });

  it.each([
    ['extra', 'body does not match', /secret/],
    ['teapot', 'undeclared status', /declared: 200/],
    ['unknown-code', 'body does not match', /code must be equal to one of the allowed values/],
  ])('records an answer the document does not declare (%s)', async (id, problem, detail) => {
    const before = responseViolations().length;
    await app.inject({ method: 'GET', url: `/things/${id}`, headers: bearer('buyer') });
    const found = responseViolations().slice(before);
    expect(found).toEqual([expect.objectContaining({ operation: 'GET /things/{id}', problem, detail: expect.stringMatching(detail) })]);
  });
});
