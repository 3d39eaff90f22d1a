import { ConsumerGroups } from '@bp/contracts';
import { kafkaFromEnv, type MessageAdmin } from '@bp/messaging';
import { ServiceNames } from '@bp/runtime';
import type { OpsContext } from './context';
import { findModule } from '../modules';

export type ResetTarget = 'earliest' | { time: number };

export const parseResetTarget = (s: string): ResetTarget => {
  if (s === 'earliest') return 'earliest';
  const time = Date.parse(s);
  if (Number.isNaN(time)) throw new Error(`--to takes earliest or an ISO time, not ${s}`);
  return { time };
};

/** The topics a group reads: its committed offsets, else (never committed) its service's subscription. */
const groupTopics = async (admin: MessageAdmin, group: string): Promise<string[]> => {
  const committed = await admin.fetchOffsets({ groupId: group }).catch(() => []);
  const topics = committed.map((t) => t.topic);
  if (topics.length) return topics;
  const service = ServiceNames.find((n) => ConsumerGroups[n] === group);
  return [...((service && findModule(service)?.consumes?.topics) ?? [])];
};

/**
 * `reset-offsets <group> --to earliest|<time>`: moves a consumer group's committed offsets back so
 * it re-reads (its inbox skips what it already applied). Kafka only accepts this for a group with
 * no members, so the command refuses while the group is active: stop the service first. Times are
 * Kafka record timestamps, i.e. wall-clock produce times, not the simulated clock.
 */
export const resetOffsets = async (
  ctx: OpsContext,
  group: string,
  to: ResetTarget,
): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]> => {
  const admin = kafkaFromEnv({ clientId: 'ops-reset-offsets', logger: ctx.logger, env: ctx.env }).admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([group]);
    const state = groups[0]?.state ?? 'Dead';
    if (!['Empty', 'Dead', ''].includes(state))
      throw new Error(`group ${group} is ${state} with ${groups[0]?.members.length ?? 0} member(s): stop its service first`);
    const topics = await groupTopics(admin, group);
    // A typo ('order' for 'order-service') would otherwise move nothing and exit 0.
    if (!topics.length) throw new Error(`group ${group} has no committed offsets and is no service's group (${Object.values(ConsumerGroups).join(', ')})`);
    const done = [];
    for (const topic of topics) {
      // Explicit offsets rather than kafkajs' resetOffsets, which commits the -2 sentinel and
      // leaves the real position to each client's auto.offset.reset.
      const partitions =
        to === 'earliest'
          ? (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: p.low }))
          : (await admin.fetchTopicOffsetsByTimestamp(topic, to.time)).map((p) => ({ partition: p.partition, offset: p.offset }));
      await admin.setOffsets({ groupId: group, topic, partitions });
      done.push({ topic, partitions });
    }
    return done;
  } finally {
    await admin.disconnect();
  }
};
