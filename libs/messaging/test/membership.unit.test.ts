import { createGroupMembership } from '../src';

/** S3: what a waiting request may take as "the consumer was consuming all along". */
describe('group membership', () => {
  let t = 0;
  const m = () => createGroupMembership({ aliveWithinMs: 3000, now: () => t });

  it('not a member before the first join, after a rebalance began, or after a stop', () => {
    t = 10_000;
    const g = m();
    expect(g.consumedThroughout(t)).toBe(false);
    g.joined();
    t += 1000;
    expect(g.consumedThroughout(t)).toBe(true);
    g.left();
    expect(g.consumedThroughout(t)).toBe(false);
  });

  it('a join after the wait began does not count: the backlog since the rejoin may still hold the fact', () => {
    t = 10_000;
    const g = m();
    g.joined();
    const from = t;
    t += 500;
    g.joined(); // a rebalance kafkajs did not announce, then a join
    expect(g.consumedThroughout(from)).toBe(false);
    expect(g.consumedThroughout(t)).toBe(true);
  });

  it('a member with no sign of life within the window is not taken as consuming (a rejoin without an event)', () => {
    t = 10_000;
    const g = m();
    g.joined();
    const from = t;
    t += 2999;
    expect(g.consumedThroughout(from)).toBe(true);
    t += 2;
    expect(g.consumedThroughout(from)).toBe(false);
    g.alive();
    expect(g.consumedThroughout(from)).toBe(true);
  });

  describe('backlog: whether the group consumed what its topics held when the mark was taken', () => {
    const at = (committed: number, end: number, partition = 0) => ({ topic: 'orders', partition, committed, end });

    it('not attached (no admin client): says yes, the membership alone decides', async () => {
      expect(await m().backlogNow()()).toBe(true);
    });

    it('committed past every end noted at the mark: yes; one partition short of it: no', async () => {
      const g = m();
      const reads = [
        [at(10, 12), at(5, 5, 1)], // the mark: partition 0 ends at 12
        [at(12, 15), at(5, 6, 1)], // later: 0 committed to 12 (new messages since do not count), 1 unchanged
        [at(3, 12), at(5, 5, 1)],
        [at(11, 14), at(5, 5, 1)], // 0 committed to 11 only: the fact may be the 12th
      ];
      g.readPositionsWith(async () => reads.shift()!);
      expect(await g.backlogNow()()).toBe(true);
      expect(await g.backlogNow()()).toBe(false);
    });

    it('a partition missing from the later read, a failed read or a late one: no (cannot tell is not "unknown")', async () => {
      const g = createGroupMembership({ aliveWithinMs: 3000, positionsWithinMs: 50 });
      const reads: Array<() => Promise<ReturnType<typeof at>[]>> = [
        async () => [at(0, 1), at(0, 1, 1)],
        async () => [at(1, 1)],
        async () => [at(0, 0)],
        () => Promise.reject(new Error('coordinator not available')),
        async () => [at(0, 0)],
        () => new Promise(() => {}), // never answers
      ];
      g.readPositionsWith(() => reads.shift()!());
      expect(await g.backlogNow()()).toBe(false);
      expect(await g.backlogNow()()).toBe(false);
      expect(await g.backlogNow()()).toBe(false);
    });
  });
});
