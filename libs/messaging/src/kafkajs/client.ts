import type { Kafka } from 'kafkajs';
import type { KafkaClient, MessageAdmin, MessageConsumer, MessageProducer } from '../port';
import { quietIdleRequestQueues } from './idle-request-queue';
import { onePartitionSends } from './one-partition-sends';

/**
 * The port on a kafkajs client. Every producer gets kafkajs's DefaultPartitioner: murmur2 over the
 * key bytes, the Java client's placement (kafkajs 2 defaults to it too, but warns unless it is named).
 * Every request it makes targets one partition (one-partition-sends.ts: kafkajs can drop part of a
 * multi-partition send whose leaders moved). An idle connection arms no timer (idle-request-queue.ts).
 */
export const kafkajsClient = (kafka: Kafka): KafkaClient => {
  quietIdleRequestQueues();
  return kafkajsPort(kafka);
};

const kafkajsPort = (kafka: Kafka): KafkaClient => ({
  producer: (options = {}): MessageProducer => {
    const sends = onePartitionSends();
    const p = kafka.producer({ ...options, createPartitioner: sends.partitioner });
    return {
      connect: () => p.connect(),
      disconnect: () => p.disconnect(),
      send: (record) => sends.sendAll(p, [record]),
      sendBatch: (batch) => sends.sendAll(p, batch.topicMessages),
    };
  },
  consumer: (groupId, tuning = {}): MessageConsumer => {
    const c = kafka.consumer({ ...tuning, groupId });
    return {
      connect: () => c.connect(),
      disconnect: () => c.disconnect(),
      subscribe: (subscription) => c.subscribe(subscription),
      // kafkajs's batch payload carries everything BatchContext names (and more): passed through.
      run: (options) => c.run(options),
      onCrash: (listener) => void c.on(c.events.CRASH, (e) => listener(e.payload.error, e.payload.restart)),
      onAlive: (listener) => {
        for (const event of [c.events.HEARTBEAT, c.events.FETCH, c.events.GROUP_JOIN]) c.on(event, () => listener());
      },
      onMembership: (listener) => {
        c.on(c.events.GROUP_JOIN, () => listener(true));
        for (const event of [c.events.REBALANCING, c.events.STOP, c.events.CRASH, c.events.DISCONNECT]) c.on(event, () => listener(false));
      },
    };
  },
  // kafkajs's admin has every MessageAdmin method with compatible shapes.
  admin: (): MessageAdmin => kafka.admin(),
});
