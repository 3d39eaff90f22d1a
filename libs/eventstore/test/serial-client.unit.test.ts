import type { PoolClient } from 'pg';
import { serialClient } from '../src/serial-client';

/** A client that records how many of its queries run at once (pg 9 refuses more than one). */
const fakeClient = () => {
  let busy = 0;
  let maxBusy = 0;
  const pending: { text: string; done: (fail?: Error) => void }[] = [];
  const client = {
    query: (text: string) =>
      new Promise((resolve, reject) => {
        busy++;
        maxBusy = Math.max(maxBusy, busy);
        pending.push({ text, done: (fail) => (busy--, fail ? reject(fail) : resolve({ rows: [{ text }] })) });
      }),
    release: jest.fn(),
  };
  return { client: client as unknown as PoolClient, pending, maxBusy: () => maxBusy, raw: client };
};

const tick = () => new Promise((r) => setImmediate(r));

describe('serialClient (pg 9 readiness: no query on a busy client, issue 18 item 7)', () => {
  it('sends a query issued while another runs only after that one answered, in order', async () => {
    const f = fakeClient();
    const c = serialClient(f.client);
    const a = c.query('a');
    const b = c.query('b');
    await tick();
    expect(f.pending.map((p) => p.text)).toEqual(['a']);
    f.pending[0]!.done();
    await expect(a).resolves.toEqual({ rows: [{ text: 'a' }] });
    await tick();
    expect(f.pending.map((p) => p.text)).toEqual(['a', 'b']);
    f.pending[1]!.done();
    await expect(b).resolves.toEqual({ rows: [{ text: 'b' }] });
    expect(f.maxBusy()).toBe(1);
  });

  it('a failed query fails only its caller; the next one still runs', async () => {
    const f = fakeClient();
    const c = serialClient(f.client);
    const a = c.query('a');
    const b = c.query('b');
    await tick();
    f.pending[0]!.done(new Error('refused'));
    await expect(a).rejects.toThrow('refused');
    await tick();
    f.pending[1]!.done();
    await expect(b).resolves.toBeDefined();
  });

  it('passes everything else through to the client', () => {
    const f = fakeClient();
    serialClient(f.client).release();
    expect(f.raw.release).toHaveBeenCalledTimes(1);
  });
});
