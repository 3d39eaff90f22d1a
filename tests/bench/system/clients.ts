import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { signDevToken } from '@bp/http';
import type { Recorder } from './stats';

/**
 * The storefront's HTTP side: node:http with a keep-alive agent rather than fetch, because on two
 * shared cores the load generator's own CPU per request must stay small next to the services'.
 */
export type Role = 'buyer' | 'seller' | 'agent' | 'ops';

export interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON of many shapes; lifecycle.ts reads the few fields it needs
  ms: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

export class HttpError extends Error {
  constructor(
    readonly what: string,
    readonly reply: Reply,
  ) {
    super(`${what}: HTTP ${reply.status} ${JSON.stringify(reply.body).slice(0, 300)}`);
  }
}

const send = (url: URL, method: string, headers: Record<string, string>, body: string | undefined): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          /* not JSON: keep the text */
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, ms: performance.now() - t0 });
      });
      res.on('error', reject);
    });
    req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${url.pathname} timed out`)));
    req.on('error', reject);
    req.end(body);
  });

/** One party (a buyer, a seller, ops) with its own token; every call is timed under its endpoint key. */
export class Caller {
  private readonly auth: string;

  constructor(
    readonly role: Role,
    readonly sub: string,
    secret: string,
    private readonly urls: Record<string, string>,
    private readonly latency: { current: Recorder },
  ) {
    this.auth = `Bearer ${signDevToken({ sub, role, secret, ttl: 'PT4H' })}`;
  }

  /** `key` names the endpoint with its parameters abstracted (e.g. `POST /orders/:id/shipments`). */
  async call(service: string, method: 'GET' | 'POST', path: string, key: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<Reply> {
    const base = this.urls[service];
    if (!base) throw new Error(`no URL for ${service}`);
    const headers: Record<string, string> = { authorization: this.auth, ...extraHeaders };
    let payload: string | undefined;
    if (method === 'POST') {
      payload = JSON.stringify(body ?? {});
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
      // A storefront retries safely only with a key: every POST carries one, as API.md asks.
      headers['idempotency-key'] = randomUUID();
    }
    const reply = await send(new URL(path, base), method, headers, payload);
    this.latency.current.add(key, reply.ms);
    return reply;
  }
}
