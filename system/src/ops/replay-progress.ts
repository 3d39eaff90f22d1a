/**
 * Progress of one rebuild as lines for the operator: events done of the total, events/s and the
 * time left at that rate. A line at most every `everyMs` (default 1 s) while events arrive.
 */
export const replayProgress = (o: { label: string; total: number; out: (line: string) => void; everyMs?: number; now?: () => number }) => {
  const now = o.now ?? Date.now;
  const everyMs = o.everyMs ?? 1000;
  const start = now();
  let last = start;
  let done = 0;
  const line = (): string => {
    const seconds = Math.max((now() - start) / 1000, 1e-3);
    const rate = done / seconds;
    const left = Math.max(0, o.total - done);
    const eta = rate > 0 ? `ETA ${Math.ceil(left / rate)} s` : 'ETA unknown';
    const pct = o.total > 0 ? Math.min(100, Math.floor((done / o.total) * 100)) : 100;
    return `${o.label}: ${done} of ${o.total} events (${pct}%), ${Math.round(rate)} events/s, ${eta}`;
  };
  return {
    add(events: number) {
      done += events;
      const t = now();
      if (t - last >= everyMs) {
        last = t;
        o.out(line());
      }
    },
    line,
    get done() {
      return done;
    },
  };
};
