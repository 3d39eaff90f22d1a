import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';

// What a partner does (README): start the example with their secret, point a subscription at it.
const ROOT = path.resolve(__dirname, '../../..');
const SECRET = 'whsec_example_0123456789abcdef';

const signed = (id: string, secret = SECRET): { headers: Record<string, string>; body: string } => {
  const body = JSON.stringify({
    specversion: '1.0',
    id,
    type: 'marketplace.order.completed.v1',
    source: '/services/order',
    subject: 'o-1',
    data: { orderId: 'o-1' },
  });
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return { headers: { 'content-type': 'application/cloudevents+json', 'webhook-id': `del-${id}`, 'webhook-signature': `t=${t},v1=${v1}` }, body };
};

describe('the example as a process (main.ts)', () => {
  it('listens, processes a genuine delivery once, refuses a forged one, logs no secret, stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--require', './tools/swc-register.js', 'examples/webhook-receiver/src/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, WEBHOOK_SECRET: SECRET, PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines: { msg?: string }[] = [];
    const listening = new Promise<string>((resolve, reject) => {
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const parts = buffered.split('\n');
        buffered = parts.pop()!;
        for (const line of parts) {
          const entry = JSON.parse(line) as { msg?: string };
          lines.push(entry);
          const url = /^Server listening at (http:\/\/127\.0\.0\.1:\d+)$/.exec(entry.msg ?? '')?.[1];
          if (url) resolve(url);
        }
      });
      child.once('exit', (code) => reject(new Error(`the receiver exited with ${code} before listening`)));
    });
    try {
      const url = `${await listening}/webhooks`;
      const delivery = signed('evt-1');
      const post = (d: { headers: Record<string, string>; body: string }) =>
        fetch(url, { method: 'POST', headers: d.headers, body: d.body }).then(async (r) => [r.status, await r.json()]);
      expect(await post(delivery)).toEqual([200, { status: 'processed' }]);
      expect(await post(delivery)).toEqual([200, { status: 'duplicate' }]);
      expect(await post(signed('evt-2', 'whsec_forged'))).toEqual([401, { status: 'refused', reason: 'bad_signature' }]);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(lines.filter((l) => l.msg === 'webhook processed')).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain(SECRET);
  });
});
