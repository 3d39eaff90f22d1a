import { publicRegistry } from '@bp/contracts';
import { type IncomingEvent, parseKafkaMessage } from '@bp/messaging';
import { Kafka, logLevel } from 'kafkajs';

/**
 * A partner: its own consumer group reading public topics from the beginning, CloudEvents headers
 * and all, as an outside system would. Keeps every delivery, duplicates included (at-least-once on
 * the wire is allowed; partners dedupe by ce_id).
 */
export interface Partner {
  events(): IncomingEvent[];
  stop(): Promise<void>;
}

export const startPartner = async (o: { brokers: string; topics: string[]; groupId: string }): Promise<Partner> => {
  const registry = publicRegistry();
  const seen: IncomingEvent[] = [];
  const kafka = new Kafka({ clientId: o.groupId, brokers: o.brokers.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: o.groupId, sessionTimeout: 10_000, heartbeatInterval: 1000, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: o.topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const parsed = parseKafkaMessage(registry, topic, partition, message);
        if (parsed.kind === 'event') seen.push(parsed.event);
      },
    });
  } catch (err) {
    await consumer.disconnect().catch(() => {});
    throw err;
  }
  return { events: () => [...seen], stop: () => consumer.disconnect().catch(() => {}) };
};
