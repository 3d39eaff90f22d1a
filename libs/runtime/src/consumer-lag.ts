import type { MessageAdmin } from '@bp/messaging';

/**
 * Messages on `topics` that `groupId` has not committed yet. A group that never committed on a
 * partition counts from the partition's start (groups start from the beginning).
 */
export const consumerLag = async (admin: Pick<MessageAdmin, 'fetchOffsets' | 'fetchTopicOffsets'>, groupId: string, topics: readonly string[]): Promise<number> => {
  if (topics.length === 0) return 0;
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  let lag = 0;
  for (const topic of topics) {
    const ends = await admin.fetchTopicOffsets(topic).catch(() => []);
    const mine = committed.find((c) => c.topic === topic)?.partitions ?? [];
    for (const end of ends) {
      const c = Number(mine.find((p) => p.partition === end.partition)?.offset ?? -1);
      const from = c >= 0 ? c : Number(end.low);
      lag += Math.max(0, Number(end.high) - from);
    }
  }
  return lag;
};
