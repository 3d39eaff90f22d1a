/**
 * Latency bookkeeping for the system bench: raw samples per key (a few tens of thousands at most per
 * level, so exact percentiles are cheaper to get right than a histogram).
 */
export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array; 0 for an empty one. */
export const percentile = (sorted: readonly number[], p: number): number => {
  if (!sorted.length) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
};

export const summarize = (samples: readonly number[]): Summary => {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s.length ? s[s.length - 1]! : 0 };
};

/** Samples grouped by a name (an endpoint, a propagation pair). */
export class Recorder {
  private readonly samples = new Map<string, number[]>();

  add(key: string, ms: number): void {
    let list = this.samples.get(key);
    if (!list) this.samples.set(key, (list = []));
    list.push(ms);
  }

  keys(): string[] {
    return [...this.samples.keys()].sort();
  }

  get(key: string): number[] {
    return this.samples.get(key) ?? [];
  }

  summaries(): Record<string, Summary> {
    return Object.fromEntries(this.keys().map((k) => [k, summarize(this.get(k))]));
  }
}

export const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
