import { startScriptedServer, type ScriptedServer } from './support/scripted-server';
import { plainTransport } from './support/system';

/** The e2e stories' transport honours the contract's 503 + Retry-After (S3: a service catching up). */
describe('plain transport', () => {
  let srv: ScriptedServer;
  beforeAll(async () => {
    srv = await startScriptedServer();
  });
  afterAll(() => srv.close());
  beforeEach(() => srv.reset());

  const post = () =>
    plainTransport(new Request(`${srv.base}/payments`, { method: 'POST', headers: { 'idempotency-key': 'k-1' }, body: '{"orderId":"o-1"}' }), 'escrow');

  it('a 503 with Retry-After is sent again, the same body and key, after the seconds it names', async () => {
    srv.answers.push(
      ...[
        { status: 503, retryAfter: '0' },
        { status: 503, retryAfter: '1' },
      ],
    );
    const started = Date.now();
    const res = await post();
    expect(res.status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(srv.seen).toEqual(Array.from({ length: 3 }, () => ({ key: 'k-1', body: '{"orderId":"o-1"}' })));
  });

  it('a 503 without Retry-After, or any other refusal, is the answer', async () => {
    srv.answers.push(...[{ status: 503 }, { status: 404, retryAfter: '0' }]);
    expect((await post()).status).toBe(503);
    expect((await post()).status).toBe(404);
    expect(srv.seen).toHaveLength(2);
  });

  it('bounded: the eleventh 503 in a row is the answer', async () => {
    srv.answers.push(...Array.from({ length: 20 }, () => ({ status: 503, retryAfter: '0' })));
    expect((await post()).status).toBe(503);
    expect(srv.seen).toHaveLength(11);
  });
});
