import type { MessagingLogger } from './logger';
import type { KafkaClient, MessageAdmin } from './port';

/** Kafka error types that mean "you may not create topics here": an operator provisions them. */
const NOT_ALLOWED = new Set(['TOPIC_AUTHORIZATION_FAILED', 'CLUSTER_AUTHORIZATION_FAILED', 'POLICY_VIOLATION']);

/**
 * Creates the topics that do not exist yet (partitions and replication are the cluster's defaults)
 * and waits until every partition of every topic has a leader (a twin, or a producer's
 * auto-creation, may have created one a moment ago). Why: on Apache Kafka a consumer that subscribes to a topic being
 * auto-created fails with UNKNOWN_TOPIC_OR_PARTITION (the dev broker creates it at once), and a
 * cluster with auto-creation off never creates it. Where an operator forbids creating topics, the
 * refusal is logged and the topics are assumed provisioned.
 */
export const ensureTopics = async (kafka: KafkaClient, topics: string[], logger?: MessagingLogger): Promise<void> => {
  if (!topics.length) return;
  const admin = kafka.admin();
  await admin.connect();
  const wanted = [...new Set(topics)];
  try {
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((t) => !existing.has(t));
    if (missing.length) {
      try {
        // Not kafkajs waitForLeaders: on KRaft the metadata may say UNKNOWN_TOPIC_OR_PARTITION for a
        // moment after creation, which it does not retry; leadersElected below does.
        await admin.createTopics({ topics: missing.map((topic) => ({ topic })), waitForLeaders: false });
      } catch (err) {
        const types = ((err as { errors?: { type?: string }[] }).errors ?? []).map((e) => e.type ?? '');
        if (types.some((t) => NOT_ALLOWED.has(t))) {
          logger?.warn({ topics, err }, 'not allowed to create topics; assuming an operator provisioned them');
          return;
        }
        if (!types.length || !types.every((t) => t === 'TOPIC_ALREADY_EXISTS')) throw err; // else a twin was first
      }
    }
    await leadersElected(admin, wanted);
  } finally {
    await admin.disconnect();
  }
};

/** Until every partition of `topics` has a leader (bounded: a cluster that cannot elect one is an error). */
const leadersElected = async (admin: MessageAdmin, topics: string[], timeoutMs = 60_000): Promise<void> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ready = await admin.fetchTopicMetadata({ topics }).then(
      (m) => m.topics.length === topics.length && m.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)),
      () => false, // UNKNOWN_TOPIC_OR_PARTITION while the controller is still creating it
    );
    if (ready) return;
    if (Date.now() > until) throw new Error(`no leader for every partition of ${topics.join(', ')} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
