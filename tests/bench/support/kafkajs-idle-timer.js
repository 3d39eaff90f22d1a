// What-if for the idle-CPU bench (BENCH_KAFKAJS_IDLE_FIX=1), preloaded into the services with
// NODE_OPTIONS: kafkajs' request queue re-arms a timer of ~1 ms on every broker connection forever,
// even with nothing pending and no throttling (tulios/kafkajs#1556, #1704: still open upstream).
// Here the timer is only armed when there is something to check. Not used by the services
// themselves: this measures what the kafkajs loop costs an idle system.
const RequestQueue = require('kafkajs/src/network/requestQueue');

const schedule = RequestQueue.prototype.scheduleCheckPendingRequests;
RequestQueue.prototype.scheduleCheckPendingRequests = function scheduleOnlyWhenNeeded() {
  if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
  return schedule.call(this);
};
