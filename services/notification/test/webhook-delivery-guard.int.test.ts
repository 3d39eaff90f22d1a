// Issue 17 "webhook SSRF" at delivery time (N4): the client resolves the host once through a stubbed
// resolver (no DNS is ever asked), refuses when any address is in a refused range without opening a
// socket, and otherwise connects to exactly the checked address, so a second resolution (DNS
// rebinding) cannot redirect the POST. The only traffic is to a receiver on 127.0.0.1.
import { Socket } from 'node:net';
import { parseAllowedCidrs } from '../src/domain/webhooks/target';
import { createWebhookClient, pinnedLookup, type Transport } from '../src/infra/webhook-client';
import type { Resolve } from '../src/infra/webhook-target';
import { startReceiver } from './support';

const BODY = JSON.stringify({ specversion: '1.0', id: 'e-1' });

describe('webhook delivery refuses refused ranges after resolution, and pins the checked address (N4, issue 17)', () => {
  const receivers: { stop(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const r of receivers) await r.stop();
  });
  afterEach(() => jest.restoreAllMocks());

  /** A resolver answering from a script, one answer per call (the last repeats), counting calls. */
  const scripted = (...answers: string[][]) => {
    const calls: string[] = [];
    const resolve: Resolve = async (hostname) => {
      calls.push(hostname);
      return answers[Math.min(calls.length - 1, answers.length - 1)]!;
    };
    return { resolve, calls };
  };
  const spyTransport = () => {
    const seen: { url: URL; lookup: unknown }[] = [];
    const real: Transport = (url, options, onResponse) => {
      seen.push({ url, lookup: options.lookup });
      return (require('node:http') as typeof import('node:http')).request(url, options, onResponse);
    };
    return { transport: real, seen };
  };

  it.each([
    ['the cloud metadata address', [['169.254.169.254']]],
    ['a loopback address', [['127.0.0.1']]],
    ['a mapped loopback address', [['::ffff:127.0.0.1']]],
    ['one private address among public ones', [['93.184.215.14', '10.0.0.7']]],
    ['IPv6 link-local', [['fe80::1']]],
  ])('a name that resolves to %s is refused without any connect attempt', async (_what, answers) => {
    const connect = jest.spyOn(Socket.prototype, 'connect');
    const { resolve, calls } = scripted(...answers);
    const { transport, seen } = spyTransport();
    const post = createWebhookClient(1000, { allowed: parseAllowedCidrs(''), resolve, timeoutMs: 1000 }, transport);
    expect(await post('http://partner.example/hooks', BODY, {})).toEqual({ ok: false, status: null, error: 'WEBHOOK_TARGET_FORBIDDEN' });
    expect(calls).toEqual(['partner.example']);
    expect(seen).toEqual([]);
    expect(connect).not.toHaveBeenCalled();
  });

  it.each(['http://169.254.169.254/latest/meta-data', 'http://[::ffff:a9fe:a9fe]/', 'http://[::1]:5432/', 'http://2130706433:3002/', 'http://0.0.0.0:3002/'])(
    'an IP-literal URL %s is refused as it is, without resolving or connecting',
    async (url) => {
      const connect = jest.spyOn(Socket.prototype, 'connect');
      const { resolve, calls } = scripted(['93.184.215.14']);
      const post = createWebhookClient(1000, { allowed: parseAllowedCidrs(''), resolve, timeoutMs: 1000 });
      expect(await post(url, BODY, {})).toMatchObject({ ok: false, error: 'WEBHOOK_TARGET_FORBIDDEN' });
      expect(calls).toEqual([]);
      expect(connect).not.toHaveBeenCalled();
    },
  );

  it('a name that does not resolve is a failed attempt (retried later), not a connection', async () => {
    const connect = jest.spyOn(Socket.prototype, 'connect');
    const resolve: Resolve = async () => {
      throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
    };
    const post = createWebhookClient(1000, { allowed: parseAllowedCidrs(''), resolve, timeoutMs: 1000 });
    expect(await post('http://gone.example/hooks', BODY, {})).toEqual({ ok: false, status: null, error: 'ENOTFOUND' });
    expect(connect).not.toHaveBeenCalled();
  });

  it('DNS rebinding: the POST goes to the address that was checked; the next resolution, now pointing at metadata, is refused', async () => {
    const hooks = await startReceiver([200]);
    receivers.push(hooks);
    const port = new URL(hooks.url).port;
    // First answer: the allowlisted receiver; every later answer: the metadata endpoint.
    const { resolve, calls } = scripted(['127.0.0.1'], ['169.254.169.254']);
    const { transport, seen } = spyTransport();
    const post = createWebhookClient(2000, { allowed: parseAllowedCidrs('127.0.0.1/32'), resolve, timeoutMs: 1000 }, transport);

    expect(await post(`http://localhost:${port}/hooks`, BODY, { 'ce-id': 'e-1' })).toEqual({ ok: true, status: 200, error: null });
    expect(calls).toEqual(['localhost']); // resolved once: the socket did not resolve again
    expect(hooks.received).toHaveLength(1);
    expect(hooks.received[0]!.body).toBe(BODY);
    expect(hooks.received[0]!.headers.host).toBe(`localhost:${port}`);
    // The lookup the socket was given answers the checked address whatever it is asked.
    const lookup = seen[0]!.lookup as (h: string, o: object, cb: (...a: unknown[]) => void) => void;
    const answered: unknown[][] = [];
    lookup('anything.example', {}, (...a) => answered.push(a));
    lookup('anything.example', { all: true }, (...a) => answered.push(a));
    expect(answered).toEqual([
      [null, '127.0.0.1', 4],
      [null, [{ address: '127.0.0.1', family: 4 }]],
    ]);

    const connect = jest.spyOn(Socket.prototype, 'connect');
    expect(await post(`http://localhost:${port}/hooks`, BODY, {})).toMatchObject({ ok: false, error: 'WEBHOOK_TARGET_FORBIDDEN' });
    expect(connect).not.toHaveBeenCalled();
    expect(hooks.received).toHaveLength(1);
    expect(seen).toHaveLength(1);
  });

  it('pinnedLookup answers IPv6 the same way', () => {
    const answered: unknown[][] = [];
    pinnedLookup('2606:4700::1', 6)('x', {}, (...a: unknown[]) => void answered.push(a));
    expect(answered).toEqual([[null, '2606:4700::1', 6]]);
  });

  it('a receiver answering 3xx is a failed attempt: redirects are not followed', async () => {
    const hooks = await startReceiver([302]);
    receivers.push(hooks);
    const post = createWebhookClient(2000, { allowed: parseAllowedCidrs('127.0.0.1/32'), resolve: async () => [], timeoutMs: 1000 });
    expect(await post(hooks.url, BODY, {})).toEqual({ ok: false, status: 302, error: 'HTTP 302' });
  });
});
