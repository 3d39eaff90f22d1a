import { topicOffsets } from '../src/ops/topic-offsets';

const offsets = [{ partition: 0, offset: '3', low: '0', high: '3' }];
/** An admin whose first `failures` answers are `error`. */
const admin = (failures: number, error: Error & { retriable?: boolean }) => {
  let calls = 0;
  return {
    calls: () => calls,
    fetchTopicOffsets: async () => {
      calls++;
      if (calls <= failures) throw error;
      return offsets;
    },
  };
};
const notLeader = Object.assign(new Error('This server is not the leader for that topic-partition'), { retriable: true });

describe('topicOffsets (ops reading a topic right after it was created)', () => {
  it('asks again while the broker answers a retriable error (a new partition whose leader is taking over)', async () => {
    const a = admin(2, notLeader);
    await expect(topicOffsets(a, 't', { waitMs: 1 })).resolves.toEqual(offsets);
    expect(a.calls()).toBe(3);
  });

  it('gives up after its attempts, and at once on an error that is not retriable', async () => {
    const always = admin(99, notLeader);
    await expect(topicOffsets(always, 't', { waitMs: 1, attempts: 3 })).rejects.toThrow('not the leader');
    expect(always.calls()).toBe(3);
    const fatal = admin(1, new Error('authorization failed'));
    await expect(topicOffsets(fatal, 't', { waitMs: 1 })).rejects.toThrow('authorization failed');
    expect(fatal.calls()).toBe(1);
  });
});
