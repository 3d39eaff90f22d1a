import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resilientSend } from './support/resilient-send';

/** The kill suite's storefront transport: what it sends again, and what it takes as the answer. */
describe('resilient send', () => {
  let server: Server;
  let base: string;
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

  const pay = (send: ReturnType<typeof resilientSend>) =>
    send.transport(new Request(`${base}/payments`, { method: 'POST', headers: { 'idempotency-key': 'k-1' }, body: '{"orderId":"o-1"}' }), 'escrow');
  const urls = () => ({ order: base, escrow: base, dispute: base, notification: base });

  it('a 404 with Retry-After ("not known yet": its service was killed before publishing it) is sent again, the same key and body', async () => {
    const send = resilientSend({ urls: urls() });
    answers = [
      { status: 404, retryAfter: '0' },
      { status: 503, retryAfter: '0' },
      { status: 404, retryAfter: '0' },
    ];
    expect((await pay(send)).status).toBe(201);
    expect(seen).toEqual(Array.from({ length: 4 }, () => ({ key: 'k-1', body: '{"orderId":"o-1"}' })));
    expect(send.retries.escrow).toBe(2); // the two 404s; the 503 was sent again by the plain transport beneath
  });

  it('a 404 without Retry-After is the answer', async () => {
    const send = resilientSend({ urls: urls() });
    answers = [{ status: 404 }];
    expect((await pay(send)).status).toBe(404);
    expect(seen).toHaveLength(1);
  });
});
