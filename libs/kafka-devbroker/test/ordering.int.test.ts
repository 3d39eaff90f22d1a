import type { Kafka } from 'kafkajs';
import { describeEachBroker } from './helpers/broker-under-test';
import { createTopics, defaultPartitioner, kafkaFor, waitFor } from './helpers/kafkajs-client';
import { itKcat, kcat, requireKcat } from './helpers/kcat';

const MESSAGES = 10_000;
const KEYS = 50;
const keyOf = (n: number) => `key-${n % KEYS}`;

interface Delivery {
  partition: number;
  offset: number;
  key: string;
  n: number;
}

/**
 * Order violations in deliveries as a consumer saw them: per partition, offsets 0, 1, 2… with no
 * gap or repeat; per key, increasing sequence numbers, always on the same partition.
 */
const violations = (seen: Delivery[]): string[] => {
  const out: string[] = [];
  const lastOffset = new Map<number, number>();
  const lastOfKey = new Map<string, number>();
  const partitionOfKey = new Map<string, number>();
  for (const d of seen) {
    if ((lastOffset.get(d.partition) ?? -1) + 1 !== d.offset) out.push(`partition ${d.partition}: offset ${d.offset} after ${lastOffset.get(d.partition)}`);
    if ((lastOfKey.get(d.key) ?? -1) >= d.n) out.push(`${d.key}: ${d.n} after ${lastOfKey.get(d.key)}`);
    if ((partitionOfKey.get(d.key) ?? d.partition) !== d.partition) out.push(`${d.key} on partitions ${partitionOfKey.get(d.key)} and ${d.partition}`);
    lastOffset.set(d.partition, d.offset);
    lastOfKey.set(d.key, d.n);
    partitionOfKey.set(d.key, d.partition);
  }
  return out;
};

/** Everything on `topic`, read by kcat (librdkafka) to the end, in its delivery order. */
const readWithKcat = async (broker: { brokers: string }, topic: string): Promise<Delivery[]> => {
  const r = await kcat(['-b', broker.brokers, '-C', '-t', topic, '-e', '-q', '-f', '%p %o %k %s\n'], undefined, 60_000);
  expect(r.code).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => {
      const [p, o, k, s] = l.split(' ');
      return { partition: Number(p), offset: Number(o), key: k!, n: Number(s) };
    });
};

/** Everything on `topic`, read by a kafkajs group member, in its delivery order. */
const readWithKafkajs = async (kafka: Kafka, topic: string): Promise<Delivery[]> => {
  const consumer = kafka.consumer({ groupId: `g-${topic}`, maxWaitTimeInMs: 100, maxBytesPerPartition: 64 * 1024 });
  const seen: Delivery[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) =>
        void seen.push({ partition, offset: Number(message.offset), key: message.key!.toString(), n: Number(message.value!.toString()) }),
    });
    await waitFor(() => seen.length >= MESSAGES, 30_000, `${MESSAGES} messages`);
  } finally {
    await consumer.disconnect();
  }
  return seen;
};

describeEachBroker('ordering under volume: 10,000 keyed messages on 4 partitions, kafkajs and kcat', (suite) => {
  let kafka: Kafka;
  beforeAll(async () => {
    requireKcat();
    kafka = kafkaFor(suite.broker);
    const admin = kafka.admin();
    await admin.connect();
    await createTopics(admin, [
      { topic: 'volume', numPartitions: 4 },
      { topic: 'volume-kcat', numPartitions: 4 },
    ]);
    await admin.disconnect();
  });

  itKcat('kafkajs produces; kafkajs and kcat each read every partition in order', async () => {
    const producer = kafka.producer(defaultPartitioner);
    await producer.connect();
    for (let chunk = 0; chunk < 10; chunk++) {
      await producer.send({
        topic: 'volume',
        messages: Array.from({ length: 1000 }, (_, i) => ({ key: keyOf(chunk * 1000 + i), value: `${chunk * 1000 + i}` })),
      });
    }
    await producer.disconnect();

    const js = await readWithKafkajs(kafka, 'volume');
    expect(js).toHaveLength(MESSAGES);
    expect(violations(js)).toEqual([]);
    expect(new Set(js.map((d) => d.partition)).size).toBe(4);

    const rd = await readWithKcat(suite.broker, 'volume');
    expect(rd).toHaveLength(MESSAGES);
    expect(violations(rd)).toEqual([]);
  });

  itKcat('kcat produces (idempotent, murmur2); kafkajs reads every partition in order', async () => {
    const lines = Array.from({ length: MESSAGES }, (_, n) => `${keyOf(n)}:${n}`);
    const r = await kcat(
      ['-b', suite.broker.brokers, '-P', '-t', 'volume-kcat', '-K', ':', '-X', 'partitioner=murmur2_random', '-X', 'enable.idempotence=true'],
      lines.join('\n') + '\n',
      60_000,
    );
    expect(r.code).toBe(0);
    const js = await readWithKafkajs(kafka, 'volume-kcat');
    expect(js).toHaveLength(MESSAGES);
    expect(violations(js)).toEqual([]);
    expect(new Set(js.map((d) => d.partition)).size).toBe(4);
  });
});
