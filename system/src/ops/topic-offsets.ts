import type { MessageAdmin } from '@bp/messaging';

/**
 * A topic's offsets, asked again while its broker answers with a retriable error: a partition just
 * created can answer NOT_LEADER_FOR_PARTITION for a moment while its leader takes over, and kafkajs's
 * admin gives that up at once (it retries only an unknown topic).
 */
export const topicOffsets = async (admin: Pick<MessageAdmin, 'fetchTopicOffsets'>, topic: string, o: { attempts?: number; waitMs?: number } = {}) => {
  const attempts = o.attempts ?? 8;
  for (let attempt = 1; ; attempt++) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (err) {
      if ((err as { retriable?: unknown }).retriable !== true || attempt >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, (o.waitMs ?? 100) * attempt));
    }
  }
};
