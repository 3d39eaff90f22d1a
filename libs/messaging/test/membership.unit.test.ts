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
});
