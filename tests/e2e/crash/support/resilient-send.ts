import type { ServiceName } from '@bp/runtime';
import { durationMs } from '@bp/timers';
import type { Transport } from '@bp/client';
import { opsRequest, plainTransport } from '../../support/system';

/**
 * How the stories reach services that a kill loop SIGKILLs and starts again under them
 * (stories-under-kill.e2e.test.ts). What a storefront with a careful client does, for the story
 * steps that cannot know about kills:
 *
 * - A request that gets no answer (refused while the process is down, reset as it dies, a 502/503/504
 *   from a half-started one) is sent again, to the same URL (the service comes back on its port),
 *   with the same Idempotency-Key, until `deadlineMs`.
 * - A 404 with Retry-After ("not known yet": an order whose service was killed before it published
 *   it) is sent again after the seconds it names, for at most NOT_YET_MS.
 * - Writes (POST/PUT/DELETE of the stories) pass a per-service fence: the kill loop closes the victim's
 *   fence and waits until none of them is in flight before it kills (`quiesce`). A write cut inside
 *   its handler leaves its Idempotency-Key claimed until the in-flight timeout (minutes), and only a
 *   client that knows the step can tell whether it took effect (crash/support/storefront.ts
 *   `command`; kill-restart and fault-injection cover that). Reads, the services' consumers, relays
 *   and timers, and the clock and settle calls below are NOT fenced: kills land in the middle of them.
 * - POST /ops/clock moves time without an idempotency key: resent blindly after a kill it could move
 *   time twice. So the clock is read first; after no answer (or a 5xx: a peer died while the service
 *   settled the deployment) it is read again from the same service once it is back: moved to the
 *   target → the move happened, and the system is settled here (POST /ops/clock/settle on every
 *   service until two quiet rounds); not moved → the move is sent again.
 */
export interface ResilientSend {
  /** The stories' transport (typed clients and ops calls alike). */
  transport: Transport;
  /** Requests sent again after no answer, per service. */
  retries: Record<string, number>;
  /** Clock moves that got no answer and were completed by reading the clock and settling. */
  recoveredAdvances: { count: number };
  /** Closes the service's write fence and resolves once no story write to it is in flight. */
  quiesce(service: ServiceName): Promise<void>;
  /** Opens the fence again: writes proceed (and retry while the service is down). */
  open(service: ServiceName): void;
}

const NO_ANSWER = new Set([502, 503, 504]);

/**
 * A 404 with Retry-After says "not known yet" (docs/consistency.md rule 3: never final). An upstream
 * killed between its commit and its relay's publish leaves the fact in its outbox until it is back,
 * longer than S3's wait, which cannot see it: the careful storefront sends the same request again,
 * as the contract allows, for at most this long (none of the stories expects such a 404).
 */
const NOT_YET_MS = 30_000;
const notYet = (res: globalThis.Response): boolean => res.status === 404 && Number.isFinite(Number(res.headers.get('retry-after') ?? Number.NaN));
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A request that can be sent again: its parts, the body read once. */
interface Resendable {
  url: string;
  method: string;
  headers: Headers;
  body: ArrayBuffer | undefined;
}

const resendable = async (req: Request): Promise<Resendable> => ({
  url: req.url,
  method: req.method,
  headers: req.headers,
  body: req.method === 'GET' || req.method === 'HEAD' ? undefined : await req.arrayBuffer(),
});

export const resilientSend = (o: { urls: Record<ServiceName, string>; deadlineMs?: number }): ResilientSend => {
  const deadlineMs = o.deadlineMs ?? 90_000;
  const retries: Record<string, number> = {};
  const recoveredAdvances = { count: 0 };
  const closed = new Map<ServiceName, { opened: Promise<void>; open: () => void }>();
  const inFlight = new Map<ServiceName, number>();

  /** One attempt: the answer, or undefined when there was none (fetch failed: refused, reset, closed). */
  const sendOnce = (r: Resendable, service: ServiceName): Promise<globalThis.Response | undefined> =>
    plainTransport(new Request(r.url, { method: r.method, headers: r.headers, ...(r.body ? { body: r.body } : {}) }), service).catch(() => undefined);

  /** Sends until there is an answer (not a 502/503/504, not a "not known yet") or the deadline passes. */
  const untilAnswered = async (r: Resendable, service: ServiceName): Promise<globalThis.Response> => {
    const until = Date.now() + deadlineMs;
    const notYetUntil = Date.now() + NOT_YET_MS;
    for (let attempt = 0; ; attempt++) {
      const res = await sendOnce(r, service);
      if (res && notYet(res) && Date.now() < notYetUntil) {
        await res.body?.cancel();
        retries[service] = (retries[service] ?? 0) + 1;
        await pause(Number(res.headers.get('retry-after')) * 1000);
        continue;
      }
      if (res && !NO_ANSWER.has(res.status)) return res;
      await res?.body?.cancel();
      retries[service] = (retries[service] ?? 0) + 1;
      if (Date.now() > until)
        throw new Error(`${r.method} ${service} ${new URL(r.url).pathname}: no answer for ${deadlineMs} ms (last: ${res ? res.status : 'no response'})`);
      await pause(Math.min(25 * (attempt + 1), 250));
    }
  };
  /** An ops call over the retrying sends (reads of the clock, settles). */
  const opsCall = (service: ServiceName, method: string, path: string, token: string) =>
    opsRequest((req) => resendable(req).then((r) => untilAnswered(r, service)), service, o.urls[service], method, path, token);

  const clockNow = async (service: ServiceName, token: string): Promise<number> => {
    const res = await opsCall(service, 'GET', '/ops/clock', token);
    if (res.status !== 200) throw new Error(`GET /ops/clock: ${res.status} ${JSON.stringify(res.body)}`);
    return Date.parse((res.body as { now: string }).now);
  };

  /** Every service settled twice in a row with nothing to do (runtime settleAll's rule, over HTTP). */
  const settleEverywhere = async (token: string): Promise<{ rounds: number; fired: number; published: number }> => {
    const total = { rounds: 0, fired: 0, published: 0 };
    for (let quiet = 0; quiet < 2; ) {
      total.rounds++;
      const reports = await Promise.all(
        (Object.keys(o.urls) as ServiceName[]).map(async (service) => {
          const res = await opsCall(service, 'POST', '/ops/clock/settle', token);
          if (res.status !== 200) throw new Error(`${service} could not settle: ${res.status} ${JSON.stringify(res.body)}`);
          return res.body as { fired: number; published: number; lag: number };
        }),
      );
      const fired = reports.reduce((n, r) => n + r.fired, 0);
      const published = reports.reduce((n, r) => n + r.published, 0);
      total.fired += fired;
      total.published += published;
      quiet = fired === 0 && published === 0 && reports.every((r) => r.lag === 0) ? quiet + 1 : 0;
      if (total.rounds > 2000) throw new Error('the system did not settle after 2000 rounds');
      if (quiet === 0) await pause(20);
    }
    return total;
  };

  /** POST /ops/clock exactly once, however many processes die meanwhile (see above). */
  const advance = async (r: Resendable, service: ServiceName): Promise<globalThis.Response> => {
    const token = (r.headers.get('authorization') ?? '').replace(/^Bearer /, '');
    const { advanceBy } = JSON.parse(new TextDecoder().decode(r.body)) as { advanceBy: string };
    const before = await clockNow(service, token);
    const target = before + durationMs(advanceBy as Parameters<typeof durationMs>[0]);
    const until = Date.now() + deadlineMs;
    for (;;) {
      const res = await sendOnce(r, service);
      if (res && res.status < 500) return res;
      await res?.body?.cancel();
      // No answer, or the settle inside failed: read the clock from the same service once it answers
      // again (whatever the dead process had sent to Postgres is decided by then).
      const now = await clockNow(service, token);
      if (now >= target) {
        recoveredAdvances.count++;
        const settled = await settleEverywhere(token);
        return Response.json({ now: new Date(now).toISOString(), simulated: true, ...settled });
      }
      if (now !== before) throw new Error(`POST /ops/clock ${advanceBy}: the clock is at ${new Date(now).toISOString()}, neither before nor after the move`);
      retries[service] = (retries[service] ?? 0) + 1;
      if (Date.now() > until) throw new Error(`POST /ops/clock ${advanceBy}: no answer for ${deadlineMs} ms (last: ${res?.status ?? 'no response'})`);
    }
  };

  const transport: Transport = async (req, service) => {
    const r = await resendable(req);
    const path = new URL(r.url).pathname;
    if (r.method === 'POST' && path === '/ops/clock') return advance(r, service);
    const fenced = r.method !== 'GET' && !path.startsWith('/ops/clock');
    if (!fenced) return untilAnswered(r, service);
    for (let gate = closed.get(service); gate; gate = closed.get(service)) await gate.opened;
    inFlight.set(service, (inFlight.get(service) ?? 0) + 1);
    try {
      return await untilAnswered(r, service);
    } finally {
      inFlight.set(service, inFlight.get(service)! - 1);
    }
  };

  return {
    transport,
    retries,
    recoveredAdvances,
    async quiesce(service) {
      if (!closed.has(service)) {
        let open = () => {};
        const opened = new Promise<void>((r) => (open = r));
        closed.set(service, { opened, open });
      }
      const until = Date.now() + deadlineMs;
      while ((inFlight.get(service) ?? 0) > 0) {
        if (Date.now() > until) throw new Error(`${service}: story writes still in flight after ${deadlineMs} ms`);
        await pause(5);
      }
    },
    open(service) {
      const gate = closed.get(service);
      closed.delete(service);
      gate?.open();
    },
  };
};
