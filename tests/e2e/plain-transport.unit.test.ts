import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { plainTransport } from './support/system';

/** The e2e stories' transport honours the contract's 503 + Retry-After (S3: a service catching up). */
describe('plain transport', () => {
  let server: Server;
  let base: string;
  /** What each request carried, and the answers still to give (then 201). */
  let seen: Array<{ key: string | undefined; body: string }> = [];
  let answers: Array<{ status: number; retryAfter?: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ key: req.headers['idempotency-key'] as string | undefined, body });
        const a = answers.shift() ?? { status: 201 };
        res.writeHead(a.status, a.retryAfter === undefined ? {} : { 'retry-after': a.retryAfter });
        res.end('{}');
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));
  beforeEach(() => {
    seen = [];
    answers = [];
  });

  const post = () =>
    plainTransport(new Request(`${base}/payments`, { method: 'POST', headers: { 'idempotency-key': 'k-1' }, body: '{"orderId":"o-1"}' }), 'escrow');

  it('a 503 with Retry-After is sent again, the same body and key, after the seconds it names', async () => {
    answers = [
      { status: 503, retryAfter: '0' },
      { status: 503, retryAfter: '1' },
    ];
    const started = Date.now();
    const res = await post();
    expect(res.status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(seen).toEqual(Array.from({ length: 3 }, () => ({ key: 'k-1', body: '{"orderId":"o-1"}' })));
  });

  it('a 503 without Retry-After, or any other refusal, is the answer', async () => {
    answers = [{ status: 503 }, { status: 404, retryAfter: '0' }];
    expect((await post()).status).toBe(503);
    expect((await post()).status).toBe(404);
    expect(seen).toHaveLength(2);
  });

  it('bounded: the eleventh 503 in a row is the answer', async () => {
    answers = Array.from({ length: 20 }, () => ({ status: 503, retryAfter: '0' }));
    expect((await post()).status).toBe(503);
    expect(seen).toHaveLength(11);
  });
});
