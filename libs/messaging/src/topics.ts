import type { Kafka } from 'kafkajs';
import type { MessagingLogger } from './logger';

/** Kafka error types that mean "you may not create topics here": an operator provisions them. */
const NOT_ALLOWED = new Set(['TOPIC_AUTHORIZATION_FAILED', 'CLUSTER_AUTHORIZATION_FAILED', 'POLICY_VIOLATION']);

/**
 * Creates the topics that do not exist yet (partitions and replication are the cluster's defaults)
 * and waits for their leaders. Why: on Apache Kafka a consumer that subscribes to a topic being
 * auto-created fails with UNKNOWN_TOPIC_OR_PARTITION (the dev broker creates it at once), and a
 * cluster with auto-creation off never creates it. Where an operator forbids creating topics, the
 * refusal is logged and the topics are assumed provisioned.
 */
export const ensureTopics = async (kafka: Kafka, topics: string[], logger?: MessagingLogger): Promise<void> => {
  if (!topics.length) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [...new Set(topics)].filter((t) => !existing.has(t));
    if (!missing.length) return;
    await admin.createTopics({ topics: missing.map((topic) => ({ topic })), waitForLeaders: true });
  } catch (err) {
    const types = ((err as { errors?: { type?: string }[] }).errors ?? []).map((e) => e.type ?? '');
    if (types.length && types.every((t) => t === 'TOPIC_ALREADY_EXISTS')) return; // a twin created them first
    if (types.some((t) => NOT_ALLOWED.has(t))) {
      logger?.warn({ topics, err }, 'not allowed to create topics; assuming an operator provisioned them');
      return;
    }
    throw err;
  } finally {
    await admin.disconnect();
  }
};
