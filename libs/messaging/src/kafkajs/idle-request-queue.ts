/**
 * Issue 18 item 5 (idle costs nothing). kafkajs 2.2.4's per-connection request queue re-arms a
 * ~1 ms timer forever, even with nothing queued and no broker throttling
 * (`RequestQueue.scheduleCheckPendingRequests`; tulios/kafkajs#1556 and #1704, open upstream): about
 * 2,400 timers a second in an idle service, most of its idle CPU. The timer only ever has work when
 * a request is queued (push arms it then) or the broker throttles us (it must fire when that ends),
 * so it is armed only then. kafkajs is pinned (2.2.4, unmaintained), so its internals do not move.
 */
const QUIET = Symbol.for('bp.kafkajs.quietIdleRequestQueue');

interface QueueState {
  pending: unknown[];
  throttledUntil: number;
}

// kafkajs ships no types for its internals.
const RequestQueue = require('kafkajs/src/network/requestQueue') as {
  prototype: { scheduleCheckPendingRequests(this: QueueState): void; [QUIET]?: true };
};

/** Installs the guard once per process (kafkajs's module is shared by every client). */
export const quietIdleRequestQueues = (): void => {
  const proto = RequestQueue.prototype;
  if (proto[QUIET]) return;
  const schedule = proto.scheduleCheckPendingRequests;
  proto.scheduleCheckPendingRequests = function scheduleWhenThereIsWork(this: QueueState) {
    if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
    schedule.call(this);
  };
  proto[QUIET] = true;
};
