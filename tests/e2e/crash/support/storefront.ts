import { randomUUID } from 'node:crypto';
import { createServiceClients, type ServiceClients, type Transport } from '@bp/client';
import type { Role } from '@bp/contracts';
import { signDevToken } from '@bp/http';
import type { ServiceName } from '@bp/runtime';
import { opsRequest } from '../../support/system';

/**
 * A storefront's HTTP client against services that may be killed at any moment: the typed clients
 * (@bp/client) over a transport that sends again a request that got no answer (connection refused
 * while the process is down, reset while it dies, or a 502/503 from a half-started one), with the
 * same Idempotency-Key, until a deadline. Every answer the service did give is returned as is: the
 * caller decides what it means.
 */
export interface Reply<T = any> {
  status: number;
  body: T;
}

export interface Caller extends ServiceClients {
  sub: string;
  /** The simulated clock's ops routes, which the published contract leaves out (untyped). */
  get<T = any>(service: ServiceName, path: string): Promise<Reply<T>>;
  post<T = any>(service: ServiceName, path: string, body: unknown, idempotencyKey: string): Promise<Reply<T>>;
}

export interface Storefront {
  as(role: Role, sub: string): Caller;
  /** Requests that got no answer and were sent again, per service. */
  retries: Record<string, number>;
  /** Requests waiting for their answer right now, per service (a kill then hits live traffic). */
  inFlight: Record<string, number>;
}

const NO_ANSWER_STATUSES = new Set([502, 503, 504]);

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls a condition (never a fixed sleep) every `intervalMs` until it holds or `timeoutMs` passes. */
export const eventually = async (check: () => Promise<boolean>, what: string, timeoutMs: number, intervalMs = 50): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await pause(intervalMs);
  }
};

/**
 * `urls` may list several instances of a service: requests go round-robin, and a request sent again
 * goes to the next instance, as a load balancer fails over from a dead one.
 */
export const createStorefront = (o: { urls: Record<ServiceName, string | string[]>; secret: string; deadlineMs?: number }): Storefront => {
  const deadlineMs = o.deadlineMs ?? 60_000;
  const retries: Record<string, number> = {};
  const inFlight: Record<string, number> = {};
  let turn = 0;
  const baseUrl = (service: ServiceName, first: number, attempt: number): string => {
    const list = ([] as string[]).concat(o.urls[service]);
    return list[(first + attempt) % list.length]!;
  };

  const transport: Transport = async (req, service) => {
    const { pathname, search } = new URL(req.url);
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await req.arrayBuffer();
    const until = Date.now() + deadlineMs;
    const first = turn++;
    let lastError = '';
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        retries[service] = (retries[service] ?? 0) + 1;
        if (Date.now() > until) throw new Error(`${req.method} ${service}${pathname}: no answer for ${deadlineMs} ms (last: ${lastError})`);
        await pause(Math.min(50 * attempt, 500));
      }
      let res: globalThis.Response;
      let buffered: ArrayBuffer;
      inFlight[service] = (inFlight[service] ?? 0) + 1;
      try {
        res = await fetch(`${baseUrl(service, first, attempt)}${pathname}${search}`, {
          method: req.method,
          headers: req.headers,
          ...(body ? { body } : {}),
          // Generous: POST /ops/clock settles the whole system, which after a restart includes a
          // consumer group rejoining (the dead member's session timeout, ~30 s).
          signal: AbortSignal.timeout(90_000),
        });
      } catch (err) {
        // fetch failed: refused, reset, closed mid-response, or our timeout.
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        lastError = cause?.code ?? cause?.message ?? (err as Error).message;
        inFlight[service]!--;
        continue;
      }
      try {
        // Read whole here: a process dying mid-body is no answer either.
        buffered = await res.arrayBuffer();
      } catch (err) {
        lastError = `body: ${(err as Error).message}`;
        continue;
      } finally {
        inFlight[service]!--;
      }
      if (NO_ANSWER_STATUSES.has(res.status)) {
        lastError = `${res.status}`;
        continue;
      }
      return new Response(res.status === 204 || res.status === 304 ? null : buffered, { status: res.status, statusText: res.statusText, headers: res.headers });
    }
  };

  return {
    retries,
    inFlight,
    as(role, sub) {
      const token = signDevToken({ sub, role, secret: o.secret, ttl: 'PT2H' });
      const first = (service: ServiceName) => ([] as string[]).concat(o.urls[service])[0]!;
      const clients = createServiceClients({
        urls: { order: first('order'), escrow: first('escrow'), dispute: first('dispute'), notification: first('notification') },
        token,
        transport,
      });
      const ops = (service: ServiceName, method: string, path: string, body?: unknown, key?: string): Promise<Reply> => {
        const send: Transport = (req, s) => {
          if (key) req.headers.set('idempotency-key', key);
          return transport(req, s);
        };
        return opsRequest(send, service, first(service), method, path, token, body);
      };
      return {
        sub,
        ...clients,
        get: (service, path) => ops(service, 'GET', path),
        post: (service, path, body, key) => ops(service, 'POST', path, body ?? {}, key),
      };
    },
  };
};

export const IN_FLIGHT = 'IDEMPOTENCY_KEY_IN_FLIGHT';

/**
 * One state-changing step the way a careful storefront does it: POST with a key (resent with the
 * same key after a connection error, see `send`). A key the service answers 409 IN_FLIGHT for was
 * claimed by a request its process never finished: the claim outlives the process by the
 * idempotency store's in-flight timeout (minutes), so after a short wait (a live request finishes
 * and is replayed) the storefront reads whether the step took effect, and only if it did not,
 * tries again with a fresh key. Any other 409 is also checked against the state: the step is no
 * longer allowed (it was done), or the key answers IDEMPOTENCY_KEY_ANSWER_LOST (the request
 * committed, then its answer was lost with its process or its database connection).
 */
export const command = async (
  what: string,
  post: (key: string) => Promise<Reply>,
  expected: number,
  tookEffect: () => Promise<boolean>,
  stats: { inFlight: number; alreadyDone?: number },
): Promise<void> => {
  for (let keys = 0; keys < 5; keys++) {
    const key = randomUUID();
    let r = await post(key);
    for (let wait = 0; r.status === 409 && r.body?.code === IN_FLIGHT && wait < 3; wait++) {
      await pause(1000); // the Retry-After the service sends
      r = await post(key);
    }
    if (r.status === expected) return;
    if (r.status === 409 && r.body?.code === IN_FLIGHT) {
      stats.inFlight++;
      if (await tookEffect()) return;
      continue;
    }
    if (r.status === 409 && (await tookEffect())) {
      stats.alreadyDone = (stats.alreadyDone ?? 0) + 1;
      return;
    }
    throw new Error(`${what}: expected ${expected}, got ${r.status} ${JSON.stringify(r.body)}`);
  }
  throw new Error(`${what}: still not done after 5 idempotency keys`);
};
