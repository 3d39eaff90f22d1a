import { z } from 'zod';
import { registerAsyncApi, type ServiceApp } from '../src';
import { testApp } from './helpers';

const CreateOrder = z.strictObject({ sellerId: z.string().min(1), quantity: z.number().int().min(1) });
const Order = z.object({ orderId: z.string(), status: z.enum(['PLACED', 'PAID']) });

describe('OpenAPI and AsyncAPI documents', () => {
  let app: ServiceApp;
  beforeAll(async () => {
    app = await testApp({ version: '1.2.3' });
    app.post(
      '/orders',
      { config: { roles: ['buyer'] }, schema: { summary: 'Place an order', body: CreateOrder, response: { 201: Order } } },
      async (_req, reply) => reply.code(201).send({ orderId: 'o1', status: 'PLACED' }),
    );
    registerAsyncApi(app, { asyncapi: '3.0.0', info: { title: 'events', version: '1' } });
    await app.ready();
  });
  afterAll(() => app.close());

  it('/docs/json lists the route with its zod-derived schemas and bearer security', async () => {
    const res = await app.inject({ url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.info).toMatchObject({ title: 'test-service', version: '1.2.3' });
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    const op = doc.paths['/orders'].post;
    expect(op.summary).toBe('Place an order');
    const body = op.requestBody.content['application/json'].schema;
    expect(body).toMatchObject({ type: 'object', required: ['sellerId', 'quantity'], additionalProperties: false });
    expect(body.properties.quantity).toMatchObject({ type: 'integer', minimum: 1 });
    expect(op.responses['201'].content['application/json'].schema.properties.status.enum).toEqual(['PLACED', 'PAID']);
    // infrastructure routes stay out of the public contract
    expect(Object.keys(doc.paths)).toEqual(['/orders']);
  });

  it('/docs serves the UI without a token', async () => {
    const res = await app.inject({ url: '/docs/' });
    expect([200, 302]).toContain(res.statusCode);
  });

  it('/docs/asyncapi serves the given document', async () => {
    const res = await app.inject({ url: '/docs/asyncapi' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ asyncapi: '3.0.0', info: { title: 'events', version: '1' } });
  });

  it('a document given as a function is built on the first request, once (a service start does not pay for it)', async () => {
    const lazy = await testApp({});
    let builds = 0;
    registerAsyncApi(lazy, () => ({ asyncapi: '3.0.0', info: { title: 'events', version: String(++builds) } }));
    await lazy.ready();
    try {
      expect(builds).toBe(0);
      const first = await lazy.inject({ url: '/docs/asyncapi' });
      const second = await lazy.inject({ url: '/docs/asyncapi' });
      expect([first.json().info.version, second.json().info.version, builds]).toEqual(['1', '1', 1]);
    } finally {
      await lazy.close();
    }
  });
});

describe('health', () => {
  it('live is 200; ready follows the readiness check', async () => {
    let ready = true;
    const app = await testApp({ readiness: async () => ready });
    await app.ready();
    expect((await app.inject({ url: '/health/live' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/health/ready' })).statusCode).toBe(200);
    ready = false;
    const res = await app.inject({ url: '/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'NOT_READY', status: 503 });
    await app.close();
  });

  it('a throwing readiness check is 503', async () => {
    const app = await testApp({
      readiness: async () => {
        throw new Error('db down');
      },
    });
    const res = await app.inject({ url: '/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.body).not.toContain('db down');
    await app.close();
  });

  it('ready is 503 once shutting down', async () => {
    const app = await testApp();
    await app.ready();
    app.shuttingDown = true;
    expect((await app.inject({ url: '/health/ready' })).statusCode).toBe(503);
    await app.close();
  });
});

describe('metrics', () => {
  it('/metrics exposes the request duration histogram by route pattern, method and status', async () => {
    const app = await testApp();
    app.get('/orders/:id', { config: { public: true } }, async () => ({ ok: true }));
    await app.ready();
    await app.inject({ url: '/orders/abc' });
    await app.inject({ url: '/orders/def' });
    const res = await app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('# TYPE http_request_duration_seconds histogram');
    expect(res.body).toContain('http_request_duration_seconds_count{service="test-service",route="/orders/:id",method="GET",status_code="200"} 2');
    expect(res.body).toContain('process_cpu_user_seconds_total');
    expect(res.body).not.toContain('/orders/abc');
    await app.close();
  });
});
