import { randomBytes } from 'node:crypto';
import { ensureTopics, kafkaFromEnv, type KafkaClient, type MessageConsumer } from '@bp/messaging';
import { testKafka, type TestKafka } from '@bp/testing';
import { silentLogger, until } from './support/fixtures';

/**
 * The kafkajs adapter through the port only (issue 16 item 7): what the relay, the consumer runner
 * and the ops commands rely on. Above all, keys land where the Java client puts them (murmur2), so
 * partners' producers and ours keep one order's events on one partition.
 */

/** Kafka's murmur2 (the Java client's Utils.murmur2), written out here as an independent oracle. */
const murmur2 = (data: Buffer): number => {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = (0x9747b28c ^ length) | 0;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= data[whole + 2]! << 16;
  if (rest >= 2) h ^= data[whole + 1]! << 8;
  if (rest >= 1) {
    h ^= data[whole]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h;
};
const javaPartition = (key: string, partitions: number): number => (murmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % partitions;

const PARTITIONS = 6;
const KEYS = Array.from({ length: 40 }, (_, i) => `order-${i}`);

describe('kafkajs adapter behind the messaging port', () => {
  let broker: TestKafka;
  let kafka: KafkaClient;
  const consumers: MessageConsumer[] = [];

  beforeAll(async () => {
    broker = await testKafka({ partitions: PARTITIONS });
    kafka = kafkaFromEnv({ clientId: 'port-test', logger: silentLogger, env: { KAFKA_BROKERS: broker.brokers.join(',') } });
  }, 120_000); // a broker of its own: Apache Kafka's start, on a busy 2-core machine
  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect()));
    await broker?.stop();
  });

  it('places each key on the partition the Java client picks (murmur2), and reads back each partition in order', async () => {
    const topic = `port-keys-${randomBytes(3).toString('hex')}`;
    await ensureTopics(kafka, [topic]);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const partitions = topics[0]!.partitions.length;
      expect(partitions).toBeGreaterThan(1); // one partition would prove nothing about placement

      const producer = kafka.producer({ maxInFlightRequests: 1 });
      await producer.connect();
      try {
        // Two rounds: a key's second record must follow its first on the same partition.
        for (const round of [1, 2])
          await producer.sendBatch({
            acks: -1,
            topicMessages: [{ topic, messages: KEYS.map((key) => ({ key, value: `${key}#${round}`, headers: { round: String(round) } })) }],
          });
      } finally {
        await producer.disconnect();
      }

      const ends = await admin.fetchTopicOffsets(topic);
      expect(ends.reduce((n, p) => n + Number(p.high) - Number(p.low), 0)).toBe(KEYS.length * 2);

      const seen: { key: string; value: string; partition: number; round: string }[] = [];
      const groupId = `port-reader-${topic}`;
      const consumer = kafka.consumer(groupId, { sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
      consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommitInterval: 100,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages)
            seen.push({ key: m.key!.toString(), value: m.value!.toString(), partition: batch.partition, round: String(m.headers?.round) });
        },
      });
      await until('every record read back', () => seen.length >= KEYS.length * 2);

      const placed = KEYS.map((key) => ({ key, partitions: [...new Set(seen.filter((s) => s.key === key).map((s) => s.partition))] }));
      expect(placed).toEqual(KEYS.map((key) => ({ key, partitions: [javaPartition(key, partitions)] })));
      expect(new Set(seen.map((s) => s.partition)).size).toBeGreaterThan(1);
      for (const key of KEYS) expect(seen.filter((s) => s.key === key).map((s) => `${s.value}/${s.round}`)).toEqual([`${key}#1/1`, `${key}#2/2`]);

      // The group's commits (auto-resolved batches) reach the end of every partition.
      await until('the reader to commit its offsets', async () => {
        const committed = (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions ?? [];
        return ends.every((e) => committed.find((c) => c.partition === e.partition)?.offset === e.high);
      });
    } finally {
      await admin.disconnect();
    }
  }, 60_000);

  it('membership (S3 waits read it): joined once the group is, left when a rebalance begins, joined again after it, left at disconnect', async () => {
    const topic = `port-members-${randomBytes(3).toString('hex')}`;
    await ensureTopics(kafka, [topic]);
    const groupId = `port-members-${topic}`;
    const member = async (log: boolean[]) => {
      const c = kafka.consumer(groupId, { sessionTimeout: 6000, heartbeatInterval: 200, maxWaitTimeInMs: 100 });
      consumers.push(c);
      c.onMembership((m) => log.push(m));
      await c.connect();
      await c.subscribe({ topics: [topic], fromBeginning: true });
      await c.run({ eachBatch: async () => {} });
      return c;
    };
    const first: boolean[] = [];
    const a = await member(first);
    await until('the first member to join', () => first.includes(true));
    expect(first).toEqual([true]);

    const second: boolean[] = [];
    const b = await member(second);
    // The second member's join rebalances the group: the first stops holding partitions, then rejoins.
    await until('the first member to leave and rejoin', () => first.length >= 3 && first.at(-1) === true);
    expect(first.slice(0, 2)).toEqual([true, false]);
    await until('the second member to join', () => second.includes(true));

    await b.disconnect();
    expect(second.at(-1)).toBe(false);
    await a.disconnect();
    expect(first.at(-1)).toBe(false);
  }, 60_000);
});
