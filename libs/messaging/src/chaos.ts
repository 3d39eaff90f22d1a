/**
 * Test-only chaos for the consumer runner (reliability: issue 11). `duplicate` processes every
 * message twice, as a redelivering broker would; `shuffle` interleaves independent partitions'
 * batches in a seeded random order while keeping each partition's own order (Kafka's only
 * guarantee). A correct consumer ends in the same state either way.
 */
export interface ConsumerChaos {
  duplicate: boolean;
  shuffle?: boolean;
  /** Seed of the shuffle's choices (default 1): a failing run can be replayed with its seed. */
  seed?: number;
}

/** mulberry32: a small, fast, seedable PRNG in [0, 1); good enough to pick who goes next. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

/**
 * One turn at a time across every batch in flight; whose turn comes next is a seeded random pick
 * among the batches waiting. A batch asks for one turn per message, in offset order, so a
 * partition's order is kept and partitions interleave. The pick waits one macrotask so batches
 * handed out together (one fetch) are all waiting before the first choice.
 */
export interface Interleaver {
  /** Waits for a turn; call the returned release when the message is done (also on failure). */
  turn(): Promise<() => void>;
}

export const createInterleaver = (seed: number, defer: (fn: () => void) => void = setImmediate): Interleaver => {
  const random = seededRandom(seed);
  const waiting: Array<(release: () => void) => void> = [];
  let busy = false;
  let scheduled = false;

  const pick = () => {
    scheduled = false;
    if (busy || waiting.length === 0) return;
    const [grant] = waiting.splice(Math.floor(random() * waiting.length), 1);
    busy = true;
    let released = false;
    grant!(() => {
      if (released) return;
      released = true;
      busy = false;
      schedule();
    });
  };
  const schedule = () => {
    if (scheduled || busy) return;
    scheduled = true;
    defer(pick);
  };

  return {
    turn: () =>
      new Promise((resolve) => {
        waiting.push(resolve);
        schedule();
      }),
  };
};

const truthy = new Set(['1', 'true', 'yes', 'on']);

/**
 * `CONSUMER_CHAOS` = comma list of `duplicate`, `shuffle` (also `true`/`1` = duplicate, the old
 * switch); `CONSUMER_CHAOS_SEED` = integer. Unset or empty -> undefined (no chaos).
 */
export const consumerChaosFromEnv = (env: Record<string, string | undefined>): ConsumerChaos | undefined => {
  const raw = (env.CONSUMER_CHAOS ?? '').trim().toLowerCase();
  if (!raw || raw === 'false' || raw === '0' || raw === 'off') return undefined;
  const modes = new Set(
    raw
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean),
  );
  const unknown = [...modes].filter((m) => m !== 'duplicate' && m !== 'shuffle' && !truthy.has(m));
  if (unknown.length > 0) throw new Error(`CONSUMER_CHAOS: unknown mode(s) ${unknown.join(', ')} (duplicate, shuffle)`);
  const seedText = env.CONSUMER_CHAOS_SEED?.trim();
  const seed = seedText ? Number(seedText) : undefined;
  if (seed !== undefined && !Number.isInteger(seed)) throw new Error(`CONSUMER_CHAOS_SEED must be an integer, got ${seedText}`);
  return {
    duplicate: modes.has('duplicate') || [...modes].some((m) => truthy.has(m)),
    ...(modes.has('shuffle') ? { shuffle: true } : {}),
    ...(seed !== undefined ? { seed } : {}),
  };
};
