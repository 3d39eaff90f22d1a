import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import {
  createReferenceReceiver,
  memorySeenStore,
  parseSignatureHeader,
  receiverLogger,
  safeEqual,
  SeenStoreFullError,
  verifyDelivery,
  type VerifiedDelivery,
} from '../src';

// N4: the reference receiver partners run or copy. Signed here as docs/partners.md defines it; the
// notification service's test/reference-receiver.unit.test.ts signs with the sender's own signWebhook,
// so a drift between sender and receiver fails there.
const signWebhook = (secret: string, payload: string, t: number): string => `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${payload}`).digest('hex')}`;
const SECRET = 'whsec_current_0123456789abcdef';
const OLD = 'whsec_previous_0123456789abcdef';
const T = 1_750_000_000;
const at = (seconds: number) => new Date(seconds * 1000);
const body = JSON.stringify({
  specversion: '1.0',
  id: 'evt-1',
  type: 'marketplace.order.completed.v1',
  source: '/services/order',
  subject: 'o-1',
  time: '2025-06-15T00:00:00.000Z',
  data: { orderId: 'o-1' },
});
const headersFor = (o: { secret?: string; t?: number; id?: string; b?: string } = {}) => ({
  'webhook-id': o.id ?? 'del-1',
  'webhook-signature': signWebhook(o.secret ?? SECRET, o.b ?? body, o.t ?? T),
  'content-type': 'application/cloudevents+json; charset=utf-8',
});
const verify = (
  o: {
    headers?: Record<string, string | string[] | undefined>;
    rawBody?: string | Buffer;
    now?: number;
    secrets?: string[];
    seen?: ReturnType<typeof memorySeenStore>;
  } = {},
) =>
  verifyDelivery({
    secrets: o.secrets ?? [SECRET],
    headers: o.headers ?? headersFor(),
    rawBody: o.rawBody ?? body,
    now: at(o.now ?? T),
    toleranceSeconds: 300,
    seen: o.seen ?? memorySeenStore(),
  });

describe('verifyDelivery (N4)', () => {
  it('accepts a genuine delivery and hands over the parsed CloudEvent', async () => {
    const v = await verify({ rawBody: Buffer.from(body) });
    expect(v).toMatchObject({
      outcome: 'process',
      status: 200,
      delivery: { deliveryId: 'del-1', id: 'evt-1', type: 'marketplace.order.completed.v1', subject: 'o-1', data: { orderId: 'o-1' } },
    });
    expect(v.outcome === 'process' && v.delivery.signedAt.getTime()).toBe(T * 1000);
  });

  it('refuses a tampered body and a wrong secret as bad_signature (401)', async () => {
    expect(await verify({ rawBody: body.replace('o-1', 'o-2') })).toMatchObject({ outcome: 'refused', status: 401, reason: 'bad_signature' });
    expect(await verify({ rawBody: `${body} ` })).toMatchObject({ reason: 'bad_signature' });
    expect(await verify({ headers: headersFor({ secret: 'whsec_attacker' }) })).toMatchObject({ outcome: 'refused', status: 401, reason: 'bad_signature' });
    expect(await verify({ secrets: [] })).toMatchObject({ reason: 'bad_signature' });
  });

  it('accepts either secret during a rotation, and several v1 values in one header', async () => {
    expect(await verify({ headers: headersFor({ secret: OLD }), secrets: [SECRET, OLD] })).toMatchObject({ outcome: 'process' });
    expect(await verify({ headers: headersFor({ secret: SECRET }), secrets: [OLD, SECRET] })).toMatchObject({ outcome: 'process' });
    expect(await verify({ headers: headersFor({ secret: OLD }), secrets: [SECRET] })).toMatchObject({ reason: 'bad_signature' }); // rotated out
    const both = `${signWebhook('whsec_unknown', body, T)},${signWebhook(SECRET, body, T).split(',')[1]}`;
    expect(await verify({ headers: { 'webhook-id': 'del-1', 'webhook-signature': both } })).toMatchObject({ outcome: 'process' });
  });

  it('refuses timestamps outside the tolerance, past and future, and accepts the edges', async () => {
    expect(await verify({ now: T + 301 })).toMatchObject({ outcome: 'refused', status: 401, reason: 'stale' });
    expect(await verify({ now: T - 301 })).toMatchObject({ outcome: 'refused', status: 401, reason: 'stale' }); // signed in the future
    expect(await verify({ now: T + 300 })).toMatchObject({ outcome: 'process' });
    expect(await verify({ now: T - 300 })).toMatchObject({ outcome: 'process' });
  });

  it('acknowledges a replay of a processed delivery without processing it (200), even under another Webhook-Id', async () => {
    const seen = memorySeenStore();
    const first = await verify({ seen });
    expect(first.outcome).toBe('process');
    if (first.outcome === 'process') await first.done();
    expect(await verify({ seen, now: T + 10 })).toEqual({ outcome: 'duplicate', status: 200, reason: 'replayed', deliveryId: 'del-1' });
    // Webhook-Id is not signed: the signed content still identifies the replay.
    expect(await verify({ seen, headers: { ...headersFor(), 'webhook-id': 'made-up-id' } })).toMatchObject({ outcome: 'duplicate', status: 200 });
    // The sender's own retry (new timestamp, same Webhook-Id) after a lost answer is a duplicate too.
    expect(await verify({ seen, headers: headersFor({ t: T + 20 }), now: T + 20 })).toMatchObject({ outcome: 'duplicate', status: 200, reason: 'replayed' });
    // The forged id was not left claimed: its own genuine delivery would still be processed.
    const other = body.replace('evt-1', 'evt-2');
    expect(await verify({ seen, headers: headersFor({ id: 'made-up-id', t: T + 30, b: other }), rawBody: other, now: T + 30 })).toMatchObject({
      outcome: 'process',
    });
  });

  it('a replay after the tolerance is refused as stale, not acknowledged', async () => {
    const seen = memorySeenStore();
    const first = await verify({ seen });
    if (first.outcome === 'process') await first.done();
    expect(await verify({ seen, now: T + 301 })).toMatchObject({ outcome: 'refused', status: 401, reason: 'stale' });
  });

  it('a copy during processing is 409 (not acknowledged); after a handler failure the retry is processed', async () => {
    const seen = memorySeenStore();
    const first = await verify({ seen });
    expect(await verify({ seen })).toMatchObject({ outcome: 'duplicate', status: 409, reason: 'in_progress' });
    if (first.outcome === 'process') await first.release();
    const retry = await verify({ seen, headers: headersFor({ t: T + 10 }), now: T + 10 });
    expect(retry).toMatchObject({ outcome: 'process' });
    if (retry.outcome === 'process') await retry.done();
    // The failed attempt's bytes, replayed under a made-up id once the retry succeeded: not processed.
    expect(await verify({ seen, headers: { ...headersFor(), 'webhook-id': 'made-up-id' }, now: T + 20 })).toMatchObject({ outcome: 'duplicate', status: 200 });
  });

  it('refuses malformed headers (400) before any crypto or store access', async () => {
    const good = headersFor();
    const sigOf = (s: string) => ({ ...good, 'webhook-signature': s });
    const v1 = good['webhook-signature'].split(',')[1]!;
    const cases: Record<string, string | string[] | undefined>[] = [
      { 'webhook-signature': good['webhook-signature'] }, // no Webhook-Id
      { ...good, 'webhook-id': '' },
      { ...good, 'webhook-id': 'has spaces\nand a newline' },
      { ...good, 'webhook-id': 'x'.repeat(129) },
      { 'webhook-id': 'del-1' }, // no signature
      { ...good, 'webhook-signature': [good['webhook-signature'], good['webhook-signature']] }, // repeated header
      sigOf(''),
      sigOf(v1), // no t
      sigOf(`t=${T}`), // no v1
      sigOf(`t=${T},v1=`),
      sigOf(`t=abc,${v1}`),
      sigOf(`t=-5,${v1}`),
      sigOf(`t=${T}.5,${v1}`),
      sigOf(`t=${T},t=${T},${v1}`),
      sigOf(`t=${T},v1=not-hex`),
      sigOf(`t=${T},${v1},garbage`),
      sigOf(`t=${T},${v1},`.padEnd(3000, 'a')),
      sigOf(`t=${T},${Array.from({ length: 9 }, () => v1).join(',')}`),
    ];
    const seen = memorySeenStore();
    for (const headers of cases)
      expect([JSON.stringify(headers).slice(0, 80), await verify({ headers, seen })]).toEqual([
        expect.any(String),
        expect.objectContaining({ outcome: 'refused', status: 400, reason: 'malformed_header' }),
      ]);
    expect(seen.size()).toBe(0);
    // Header names are case-insensitive; unknown schemes (a future v2) are ignored.
    expect(await verify({ headers: { 'Webhook-Id': 'del-1', 'Webhook-Signature': `${good['webhook-signature']},v2=zzz` } })).toMatchObject({
      outcome: 'process',
    });
  });

  it('a signed body that is not a CloudEvent is malformed_body (400)', async () => {
    for (const b of ['not json', '[]', '{"id":"x"}', JSON.stringify({ specversion: '1.0', id: '', type: 't' })]) {
      expect(await verify({ rawBody: b, headers: headersFor({ b }) })).toMatchObject({ outcome: 'refused', status: 400, reason: 'malformed_body' });
    }
  });

  it('signature values of another length are a mismatch, never a throw (constant-time compare)', async () => {
    const mac = createHmac('sha256', SECRET).update(`${T}.${body}`).digest('hex');
    for (const v of [mac.slice(0, 2), mac.slice(0, 63), `${mac}00`, mac.repeat(2), 'a'.repeat(256)]) {
      expect(await verify({ headers: { 'webhook-id': 'del-1', 'webhook-signature': `t=${T},v1=${v}` } })).toMatchObject({
        outcome: 'refused',
        reason: 'bad_signature',
      });
    }
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', 'a')).toBe(false);
    expect(safeEqual(Buffer.alloc(0), Buffer.alloc(0))).toBe(true);
    expect(parseSignatureHeader(`t=${T},v1=${mac.toUpperCase()}`)).toEqual({ t: T, v1: [mac] });
  });
});

describe('memorySeenStore', () => {
  it('expires entries at the tolerance and refuses (never evicts) live ones when full', async () => {
    const store = memorySeenStore({ maxEntries: 2 });
    expect(await store.claim('a', 100, 0)).toBe('new');
    expect(await store.claim('b', 200, 0)).toBe('new');
    await expect(store.claim('c', 200, 50)).rejects.toBeInstanceOf(SeenStoreFullError);
    expect(await store.claim('a', 100, 100)).toBe('processing'); // still live at its expiry second
    expect(await store.claim('c', 300, 101)).toBe('new'); // 'a' swept
    expect(store.size()).toBe(2);
    await store.done('b', 200);
    expect(await store.claim('b', 200, 150)).toBe('done');
    expect(await store.claim('b', 400, 201)).toBe('new'); // expired: taken afresh
  });
});

describe('createReferenceReceiver (N4)', () => {
  const start = (handler: (e: VerifiedDelivery) => void | Promise<void>, now = T) => {
    const lines: string[] = [];
    const stream = new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) });
    const app = createReferenceReceiver({ secrets: () => [SECRET, OLD], handler, now: () => at(now), logger: receiverLogger(stream) });
    const post = (headers: Record<string, string>, payload = body) => app.inject({ method: 'POST', url: '/webhooks', headers, payload });
    return { app, lines, post };
  };

  it('processes once, acknowledges the replay, refuses forgeries, retries after a handler failure; logs no secret or signature', async () => {
    const handled: string[] = [];
    let failNext = true;
    const { app, lines, post } = start((e) => {
      if (e.deliveryId === 'del-2' && failNext) {
        failNext = false;
        throw new Error('database down');
      }
      handled.push(e.deliveryId);
    });
    const h1 = headersFor();
    expect((await post(h1)).json()).toEqual({ status: 'processed' });
    const replay = await post(h1);
    expect([replay.statusCode, replay.json()]).toEqual([200, { status: 'duplicate' }]);
    expect((await post(headersFor({ secret: 'whsec_forged' }))).statusCode).toBe(401);
    expect((await post(h1, body.replace('o-1', 'o-9'))).statusCode).toBe(401);
    expect((await post({ 'content-type': 'application/json' })).statusCode).toBe(400);
    const stale = headersFor({ t: T - 3600, id: 'del-3' });
    expect([(await post(stale)).statusCode, (await post(stale)).json()]).toEqual([401, { status: 'refused', reason: 'stale' }]);

    const h2 = headersFor({ id: 'del-2', secret: OLD, b: body.replace('evt-1', 'evt-2') });
    expect((await post(h2, body.replace('evt-1', 'evt-2'))).statusCode).toBe(500);
    expect((await post(h2, body.replace('evt-1', 'evt-2'))).statusCode).toBe(200);
    expect(handled).toEqual(['del-1', 'del-2']);

    const text = lines.join('');
    expect(text).toContain('webhook processed');
    for (const leak of [SECRET, OLD, h1['webhook-signature'].split('v1=')[1]!, h2['webhook-signature'].split('v1=')[1]!]) expect(text).not.toContain(leak);
    await app.close();
  });

  it('its logger redacts secrets and signatures by path, should anyone log them', () => {
    const lines: string[] = [];
    const log = receiverLogger(new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
    const sig = headersFor()['webhook-signature'];
    log.info({ secret: SECRET, secrets: [SECRET, OLD], req: { headers: { 'webhook-signature': sig } }, headers: { 'webhook-signature': sig } }, 'oops');
    expect(lines).toHaveLength(1);
    for (const leak of [SECRET, OLD, sig]) expect(lines[0]).not.toContain(leak);
    expect(lines[0]).toContain('[redacted]');
  });

  it('answers 503 when the seen store fails, without calling the handler', async () => {
    const handler = jest.fn();
    const app = createReferenceReceiver({
      secrets: [SECRET],
      handler,
      now: () => at(T),
      logger: receiverLogger(undefined, 'silent'),
      seen: { claim: () => Promise.reject(new Error('redis down')), done: async () => {}, release: async () => {} },
    });
    const res = await app.inject({ method: 'POST', url: '/webhooks', headers: headersFor(), payload: body });
    expect([res.statusCode, res.headers['retry-after']]).toEqual([503, '10']);
    expect(handler).not.toHaveBeenCalled();
    await app.close();
  });
});
