import type { MessageAdmin, PartitionPosition } from '@bp/messaging';

type LagAdmin = Pick<MessageAdmin, 'fetchOffsets' | 'fetchTopicOffsets'>;

export interface PartitionLag {
  topic: string;
  partition: number;
  lag: number;
}

/**
 * Per partition of `topics`, the offset `groupId` committed and the partition's end. A group that
 * never committed on a partition counts from the partition's start (groups start from the beginning).
 * `strict`: a topic whose offsets cannot be read fails the call (a missing topic otherwise counts as
 * holding nothing, as before the consumer created it).
 */
export const groupPositions = async (admin: LagAdmin, groupId: string, topics: readonly string[], strict = false): Promise<PartitionPosition[]> => {
  if (topics.length === 0) return [];
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  const positions: PartitionPosition[] = [];
  for (const topic of topics) {
    const ends = await (strict ? admin.fetchTopicOffsets(topic) : admin.fetchTopicOffsets(topic).catch(() => []));
    const mine = committed.find((c) => c.topic === topic)?.partitions ?? [];
    for (const end of ends) {
      const c = Number(mine.find((p) => p.partition === end.partition)?.offset ?? -1);
      positions.push({ topic, partition: end.partition, committed: c >= 0 ? c : Number(end.low), end: Number(end.high) });
    }
  }
  return positions;
};

/** Per partition of `topics`, the messages `groupId` has not committed yet. */
export const consumerLagByPartition = async (admin: LagAdmin, groupId: string, topics: readonly string[]): Promise<PartitionLag[]> =>
  (await groupPositions(admin, groupId, topics)).map(({ topic, partition, committed, end }) => ({ topic, partition, lag: Math.max(0, end - committed) }));

/** Messages on `topics` that `groupId` has not committed yet, all partitions together. */
export const consumerLag = async (admin: LagAdmin, groupId: string, topics: readonly string[]): Promise<number> =>
  (await consumerLagByPartition(admin, groupId, topics)).reduce((sum, p) => sum + p.lag, 0);
