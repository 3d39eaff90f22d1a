import { inChunks } from '../src';

/** A write whose completion the test controls. */
const controlled = () => {
  const calls: { chunk: number[]; resolve: () => void; reject: (e: Error) => void }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const write = (chunk: number[]) =>
    new Promise<void>((resolve, reject) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const done = () => inFlight--;
      calls.push({ chunk, resolve: () => (done(), resolve()), reject: (e) => (done(), reject(e)) });
    });
  return { calls, write, maxInFlight: () => maxInFlight };
};

const settle = () => new Promise((r) => setImmediate(r));

describe('inChunks (rebuild writes, pipelined two deep)', () => {
  it('writes every item once, in order, in chunks of the given size', async () => {
    const seen: number[][] = [];
    await inChunks([1, 2, 3, 4, 5, 6, 7], async (c) => void seen.push(c), 3);
    expect(seen).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('builds the next chunk while the previous one runs, never more than two in flight', async () => {
    const w = controlled();
    const done = inChunks([1, 2, 3, 4, 5], w.write, 1);
    await settle();
    expect(w.calls.map((c) => c.chunk)).toEqual([[1], [2]]);
    for (let i = 0; i < 5; i++) {
      w.calls[i]!.resolve();
      await settle();
    }
    await done;
    expect(w.calls.map((c) => c.chunk)).toEqual([[1], [2], [3], [4], [5]]);
    expect(w.maxInFlight()).toBe(2);
  });

  it('fails when any chunk fails, and stops issuing chunks after it', async () => {
    const w = controlled();
    const done = inChunks([1, 2, 3, 4], w.write, 1);
    await settle();
    w.calls[0]!.reject(new Error('chunk 1 refused'));
    await expect(done).rejects.toThrow('chunk 1 refused');
    w.calls[1]!.resolve();
    await settle();
    expect(w.calls).toHaveLength(2);
  });

  it('a failing last chunk fails the write too', async () => {
    await expect(
      inChunks(
        [1, 2],
        async (c) => {
          if (c[0] === 2) throw new Error('last');
        },
        1,
      ),
    ).rejects.toThrow('last');
  });

  it('nothing to write: no call', async () => {
    const write = jest.fn();
    await inChunks([], write);
    expect(write).not.toHaveBeenCalled();
  });
});
