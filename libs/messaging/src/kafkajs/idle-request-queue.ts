/**
 * Issue 18 item 5 (idle costs nothing). kafkajs 2.2.4's per-connection request queue re-arms a
 * ~1 ms timer forever, even with nothing queued and no broker throttling
 * (`RequestQueue.scheduleCheckPendingRequests`; tulios/kafkajs#1556 and #1704, open upstream): about
 * 2,400 timers a second in an idle service, most of its idle CPU. The timer only ever has work when
 * a request is queued (push arms it then) or the broker throttles us (it must fire when that ends),
 * so it is armed only then. kafkajs is pinned (2.2.4, unmaintained), so its internals do not move.
 * Its request-timeout check runs every second instead of every 100 ms (REQUEST_TIMEOUT_CHECK_MS).
 */
const QUIET = Symbol.for('bp.kafkajs.quietIdleRequestQueue');

/**
 * How often a connection looks for requests past their timeout. kafkajs looks every 100 ms
 * (`RequestQueue.scheduleRequestTimeoutCheck`, an interval per broker connection, armed at connect
 * and kept while connected): five connections per service made 50 loop wake-ups a second in an idle
 * service, the most of any source (strace and a timer trace, 2026-12-08). Request timeouts are tens
 * of seconds (30 s by default), so a request that times out is failed at most this much later.
 */
export const REQUEST_TIMEOUT_CHECK_MS = 1000;

interface InflightRequest {
  sentAt: number;
  requestTimeout: number;
  timeoutRequest(): void;
}

interface QueueState {
  pending: unknown[];
  throttledUntil: number;
  enforceRequestTimeout: boolean;
  requestTimeout: number;
  requestTimeoutIntervalId?: ReturnType<typeof setInterval>;
  inflight: Map<number, InflightRequest>;
  isConnected(): boolean;
  destroy(): void;
}

// kafkajs ships no types for its internals.
const RequestQueue = require('kafkajs/src/network/requestQueue') as {
  prototype: {
    scheduleCheckPendingRequests(this: QueueState): void;
    scheduleRequestTimeoutCheck(this: QueueState): void;
    [QUIET]?: true;
  };
};

/** Installs the guards once per process (kafkajs's module is shared by every client). */
export const quietIdleRequestQueues = (): void => {
  const proto = RequestQueue.prototype;
  if (proto[QUIET]) return;
  const schedule = proto.scheduleCheckPendingRequests;
  proto.scheduleCheckPendingRequests = function scheduleWhenThereIsWork(this: QueueState) {
    if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
    schedule.call(this);
  };
  // The same check as kafkajs's (time out what waited too long; stop once disconnected), less often.
  proto.scheduleRequestTimeoutCheck = function checkRequestTimeoutsCoarsely(this: QueueState) {
    if (!this.enforceRequestTimeout) return;
    this.destroy();
    this.requestTimeoutIntervalId = setInterval(
      () => {
        const now = Date.now();
        for (const request of this.inflight.values()) if (now - request.sentAt > request.requestTimeout) request.timeoutRequest();
        if (!this.isConnected()) this.destroy();
      },
      Math.min(this.requestTimeout, REQUEST_TIMEOUT_CHECK_MS),
    );
  };
  proto[QUIET] = true;
};
