import { consumerChaosFromEnv, createInterleaver, seededRandom } from '@bp/messaging';

/** Batches as kafkajs hands them to concurrent eachBatch calls: each asks one turn per message. */
const runBatches = async (seed: number, batches: Record<string, number>, work: () => Promise<void> = async () => {}) => {
  const interleaver = createInterleaver(seed);
  const order: string[] = [];
  let inTurn = 0;
  let maxInTurn = 0;
  await Promise.all(
    Object.entries(batches).map(async ([partition, n]) => {
      for (let offset = 0; offset < n; offset++) {
        const release = await interleaver.turn();
        try {
          maxInTurn = Math.max(maxInTurn, ++inTurn);
          order.push(`${partition}:${offset}`);
          await work();
        } finally {
          inTurn--;
          release();
        }
      }
    }),
  );
  return { order, maxInTurn };
};

/** Times a partition's run is broken by another's message: 0 = each batch processed whole, in turn. */
const interleavings = (order: string[]) => order.filter((x, i) => i > 0 && x.split(':')[0] !== order[i - 1]!.split(':')[0]).length;

describe('consumer chaos: shuffle (issue 11)', () => {
  const batches = { p0: 6, p1: 6, p2: 6, p3: 6 };

  it('seededRandom repeats for a seed and stays in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(seededRandom(43)()).not.toBe(xs[0]);
  });

  it('keeps each partition in offset order, one message at a time, and interleaves partitions', async () => {
    const { order, maxInTurn } = await runBatches(7, batches, () => new Promise((r) => setImmediate(r)));
    expect(order).toHaveLength(24);
    for (const p of Object.keys(batches)) {
      expect(order.filter((x) => x.startsWith(`${p}:`))).toEqual([0, 1, 2, 3, 4, 5].map((o) => `${p}:${o}`));
    }
    expect(maxInTurn).toBe(1);
    // Sequential processing would switch partitions 3 times; a shuffle switches far more often.
    expect(interleavings(order)).toBeGreaterThan(3);
  });

  it('the same seed gives the same interleaving; other seeds give others (first batch not always first)', async () => {
    const first = await runBatches(11, batches);
    expect((await runBatches(11, batches)).order).toEqual(first.order);
    const others = await Promise.all([1, 2, 3, 4, 5, 6].map(async (seed) => (await runBatches(seed, batches)).order));
    expect(new Set([first.order, ...others].map((o) => o.join(','))).size).toBeGreaterThan(1);
    // Out of arrival order: some seed starts with a partition other than the first to ask.
    expect(others.some((o) => !o[0]!.startsWith('p0:'))).toBe(true);
  });

  it('a released turn lets the next waiter in even if the holder failed', async () => {
    const interleaver = createInterleaver(3);
    const failing = (async () => {
      const release = await interleaver.turn();
      try {
        throw new Error('handler failed');
      } finally {
        release();
        release(); // idempotent
      }
    })();
    await expect(failing).rejects.toThrow('handler failed');
    const release = await interleaver.turn();
    release();
  });
});

describe('consumer chaos from the environment', () => {
  it('unset, empty or off is no chaos', () => {
    expect(consumerChaosFromEnv({})).toBeUndefined();
    expect(consumerChaosFromEnv({ CONSUMER_CHAOS: '' })).toBeUndefined();
    expect(consumerChaosFromEnv({ CONSUMER_CHAOS: 'off' })).toBeUndefined();
  });

  it('modes and seed; `true` is the old duplicate switch', () => {
    expect(consumerChaosFromEnv({ CONSUMER_CHAOS: 'true' })).toEqual({ duplicate: true });
    expect(consumerChaosFromEnv({ CONSUMER_CHAOS: 'duplicate' })).toEqual({ duplicate: true });
    expect(consumerChaosFromEnv({ CONSUMER_CHAOS: 'shuffle', CONSUMER_CHAOS_SEED: '9' })).toEqual({ duplicate: false, shuffle: true, seed: 9 });
    expect(consumerChaosFromEnv({ CONSUMER_CHAOS: ' Duplicate, shuffle ' })).toEqual({ duplicate: true, shuffle: true });
  });

  it('refuses unknown modes and a non-integer seed', () => {
    expect(() => consumerChaosFromEnv({ CONSUMER_CHAOS: 'duplicate,reorder' })).toThrow(/reorder/);
    expect(() => consumerChaosFromEnv({ CONSUMER_CHAOS: 'shuffle', CONSUMER_CHAOS_SEED: 'x' })).toThrow(/SEED/);
  });
});
