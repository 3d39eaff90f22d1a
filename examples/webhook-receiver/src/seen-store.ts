/**
 * Where a receiver remembers deliveries it has seen, so a replay inside the signature tolerance is
 * not processed twice (N4). Entries only need to live until the tolerance has passed: after that the
 * timestamp check refuses the replay anyway, which is what keeps the store bounded.
 *
 * Behind several receiver instances the store must be shared. Redis:
 * `SET key processing NX EXAT expiresAt` (nil answer: `GET key` tells processing/done);
 * Postgres: `INSERT … ON CONFLICT (key) DO UPDATE SET state = 'processing', expires_at = $2
 * WHERE seen.expires_at < $3 RETURNING …` (no row: read the existing state).
 */
export type SeenState = 'new' | 'processing' | 'done';

export interface SeenStore {
  /**
   * Atomically records `key` as processing until `expiresAt` (unix seconds) unless it is already
   * recorded and not expired. Returns what was there: `new` when this call took it.
   */
  claim(key: string, expiresAt: number, nowSeconds: number): Promise<SeenState>;
  /** The handler succeeded: later copies are acknowledged without processing. */
  done(key: string, expiresAt: number): Promise<void>;
  /** The handler failed: forget the key so the sender's retry is processed. */
  release(key: string): Promise<void>;
}

/** Thrown rather than evicting live entries: an evicted entry would let a replay through. */
export class SeenStoreFullError extends Error {
  constructor(readonly maxEntries: number) {
    super(`seen-delivery store is full (${maxEntries} live entries)`);
    this.name = 'SeenStoreFullError';
  }
}

/** One process only (tests, a single receiver). Expired entries are swept when the store fills. */
export const memorySeenStore = (o: { maxEntries?: number } = {}): SeenStore & { size(): number } => {
  const maxEntries = o.maxEntries ?? 100_000;
  const entries = new Map<string, { state: 'processing' | 'done'; expiresAt: number }>();
  const sweep = (nowSeconds: number) => {
    for (const [k, e] of entries) if (e.expiresAt < nowSeconds) entries.delete(k);
  };
  return {
    async claim(key, expiresAt, nowSeconds) {
      const existing = entries.get(key);
      if (existing && existing.expiresAt >= nowSeconds) return existing.state;
      if (existing) entries.delete(key);
      if (entries.size >= maxEntries) sweep(nowSeconds);
      if (entries.size >= maxEntries) throw new SeenStoreFullError(maxEntries);
      entries.set(key, { state: 'processing', expiresAt });
      return 'new';
    },
    async done(key, expiresAt) {
      entries.set(key, { state: 'done', expiresAt: Math.max(expiresAt, entries.get(key)?.expiresAt ?? 0) });
    },
    async release(key) {
      entries.delete(key);
    },
    size: () => entries.size,
  };
};
