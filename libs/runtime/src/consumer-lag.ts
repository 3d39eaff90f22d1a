import type { MessageAdmin } from '@bp/messaging';

type LagAdmin = Pick<MessageAdmin, 'fetchOffsets' | 'fetchTopicOffsets'>;

export interface PartitionLag {
  topic: string;
  partition: number;
  lag: number;
}

/**
 * Per partition of `topics`, the messages `groupId` has not committed yet. A group that never
 * committed on a partition counts from the partition's start (groups start from the beginning).
 */
export const consumerLagByPartition = async (admin: LagAdmin, groupId: string, topics: readonly string[]): Promise<PartitionLag[]> => {
  if (topics.length === 0) return [];
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  const lags: PartitionLag[] = [];
  for (const topic of topics) {
    const ends = await admin.fetchTopicOffsets(topic).catch(() => []);
    const mine = committed.find((c) => c.topic === topic)?.partitions ?? [];
    for (const end of ends) {
      const c = Number(mine.find((p) => p.partition === end.partition)?.offset ?? -1);
      const from = c >= 0 ? c : Number(end.low);
      lags.push({ topic, partition: end.partition, lag: Math.max(0, Number(end.high) - from) });
    }
  }
  return lags;
};

/** Messages on `topics` that `groupId` has not committed yet, all partitions together. */
export const consumerLag = async (admin: LagAdmin, groupId: string, topics: readonly string[]): Promise<number> =>
  (await consumerLagByPartition(admin, groupId, topics)).reduce((sum, p) => sum + p.lag, 0);
