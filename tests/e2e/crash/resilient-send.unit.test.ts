import { startScriptedServer, type ScriptedServer } from '../support/scripted-server';
import { resilientSend } from './support/resilient-send';

/** The kill suite's storefront transport: what it sends again, and what it takes as the answer. */
describe('resilient send', () => {
  let srv: ScriptedServer;
  beforeAll(async () => {
    srv = await startScriptedServer();
  });
  afterAll(() => srv.close());
  beforeEach(() => srv.reset());

  const pay = (send: ReturnType<typeof resilientSend>) =>
    send.transport(new Request(`${srv.base}/payments`, { method: 'POST', headers: { 'idempotency-key': 'k-1' }, body: '{"orderId":"o-1"}' }), 'escrow');
  const urls = () => ({ order: srv.base, escrow: srv.base, dispute: srv.base, notification: srv.base });

  it('a 404 with Retry-After ("not known yet": its service was killed before publishing it) is sent again, the same key and body', async () => {
    const send = resilientSend({ urls: urls() });
    srv.answers.push(
      ...[
        { status: 404, retryAfter: '0' },
        { status: 503, retryAfter: '0' },
        { status: 404, retryAfter: '0' },
      ],
    );
    expect((await pay(send)).status).toBe(201);
    expect(srv.seen).toEqual(Array.from({ length: 4 }, () => ({ key: 'k-1', body: '{"orderId":"o-1"}' })));
    expect(send.retries.escrow).toBe(2); // the two 404s; the 503 was sent again by the plain transport beneath
  });

  it('a 404 without Retry-After is the answer', async () => {
    const send = resilientSend({ urls: urls() });
    srv.answers.push(...[{ status: 404 }]);
    expect((await pay(send)).status).toBe(404);
    expect(srv.seen).toHaveLength(1);
  });
});
