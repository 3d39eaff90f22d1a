import { REQUEST_TIMEOUT_CHECK_MS, quietIdleRequestQueues } from '../src/kafkajs/idle-request-queue';

// kafkajs's internal request queue (one per broker connection), driven directly.
const RequestQueue = require('kafkajs/src/network/requestQueue');
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const queue = (maxInFlightRequests: number | null = null, timeouts: { requestTimeout?: number; enforceRequestTimeout?: boolean } = {}) =>
  new RequestQueue({ maxInFlightRequests, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 't', broker: 'b:1', logger: silent, ...timeouts });
/** The period of the queue's request-timeout check, as Node's timer holds it. */
const checkPeriod = (q: { requestTimeoutIntervalId?: { _idleTimeout?: number } }) => q.requestTimeoutIntervalId?._idleTimeout;
/** A request as kafkajs's connection pushes it; `sent` counts its sends. */
const request = (correlationId: number) => {
  const r = {
    sent: 0,
    pushed: {
      entry: { correlationId, apiKey: 1, apiName: 'Fetch', apiVersion: 1, resolve: (): void => {}, reject: (_e: unknown): void => {} },
      expectResponse: true,
      sendRequest: () => void r.sent++,
    },
  };
  return r;
};

/** Awaits a condition, read every 5 ms, for at most 5 s. */
const until = async (done: () => boolean) => {
  const end = Date.now() + 5_000;
  while (!done() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('kafkajs request queue: an idle connection arms no timer (issue 18 item 5)', () => {
  const queues: { destroy(): void }[] = [];
  const make = (max: number | null = null, timeouts: Parameters<typeof queue>[1] = {}) => {
    const q = queue(max, timeouts);
    queues.push(q);
    return q;
  };
  afterEach(() => {
    for (const q of queues.splice(0)) q.destroy();
  });

  it('unguarded, a check of an empty queue re-arms its timer (the loop the guard ends)', () => {
    // Runs before the guard is installed in this file's process.
    const q = make();
    q.checkPendingRequests();
    expect(q.throttleCheckTimeoutId).not.toBeNull();
  });

  it('unguarded, a connection checks its requests for timeouts every 100 ms', () => {
    const q = make(null, { enforceRequestTimeout: true });
    q.scheduleRequestTimeoutCheck();
    expect(checkPeriod(q)).toBe(100);
  });

  it('guarded: the request-timeout check runs every second (the request timeout when shorter), and not at all when timeouts are not enforced', () => {
    quietIdleRequestQueues();
    const q = make(null, { enforceRequestTimeout: true });
    q.scheduleRequestTimeoutCheck();
    expect(checkPeriod(q)).toBe(REQUEST_TIMEOUT_CHECK_MS);
    const short = make(null, { enforceRequestTimeout: true, requestTimeout: 300 });
    short.scheduleRequestTimeoutCheck();
    expect(checkPeriod(short)).toBe(300);
    const unenforced = make();
    unenforced.scheduleRequestTimeoutCheck();
    expect(unenforced.requestTimeoutIntervalId).toBeUndefined();
  });

  it('guarded: a request in flight past its timeout is failed by the check; one answered in time is not', async () => {
    quietIdleRequestQueues();
    const q = make(null, { enforceRequestTimeout: true, requestTimeout: 40 });
    q.scheduleRequestTimeoutCheck();
    const outcomes = new Map<number, string>();
    const tracked = (correlationId: number) => {
      const r = request(correlationId);
      r.pushed.entry.resolve = () => void outcomes.set(correlationId, 'answered');
      r.pushed.entry.reject = (e: unknown) => void outcomes.set(correlationId, (e as Error).name);
      return r;
    };
    q.push(tracked(1).pushed);
    q.push(tracked(2).pushed);
    q.fulfillRequest({ correlationId: 2, payload: Buffer.alloc(0), size: 0 });
    await until(() => outcomes.has(1));
    expect(outcomes.get(1)).toBe('KafkaJSRequestTimeoutError');
    expect(outcomes.get(2)).toBe('answered');
    expect(q.inflight.size).toBe(0);
  });

  it('guarded: an empty, unthrottled queue arms nothing; installing twice is harmless', () => {
    quietIdleRequestQueues();
    quietIdleRequestQueues();
    const q = make();
    q.checkPendingRequests();
    expect(q.throttleCheckTimeoutId).toBeNull();
  });

  it('guarded: a throttled queue still arms its timer, to send what queues up when the throttle ends', () => {
    quietIdleRequestQueues();
    const q = make();
    q.maybeThrottle(50);
    q.checkPendingRequests();
    expect(q.throttleCheckTimeoutId).not.toBeNull();
  });

  it('guarded: a request queued behind the in-flight limit is sent when a slot frees, and then the queue goes quiet', async () => {
    quietIdleRequestQueues();
    const q = make(1);
    const first = request(1);
    const second = request(2);
    q.push(first.pushed);
    q.push(second.pushed);
    expect([first.sent, second.sent]).toEqual([1, 0]);
    q.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });
    expect(second.sent).toBe(1);
    q.fulfillRequest({ correlationId: 2, payload: Buffer.alloc(0), size: 0 });
    expect(q.pending).toHaveLength(0);
    // The check armed while the request waited fires once more, finds nothing, and arms nothing.
    await until(() => q.throttleCheckTimeoutId === null);
    expect(q.throttleCheckTimeoutId).toBeNull();
  });

  it('guarded: a request queued during a throttle goes out once the throttle has passed', async () => {
    quietIdleRequestQueues();
    const q = make();
    q.maybeThrottle(30);
    const r = request(7);
    q.push(r.pushed);
    expect(r.sent).toBe(0);
    await until(() => r.sent > 0);
    expect(r.sent).toBe(1);
  });
});
