import type { Admin, Kafka } from 'kafkajs';
import type { RunningBroker } from '../src';
import { defaultPartitioner, kafkaFor, startBroker } from './helpers/kafkajs-client';
import { itKcat, kcat } from './helpers/kcat';

/**
 * The "append, then lose the ack" fault (§13 F2): the broker appends a Produce batch and closes
 * the connection instead of replying. The client cannot know the batch landed, so it retries with
 * the same producer id and sequence; the broker must absorb the retry as a duplicate. Without
 * idempotence the topic would hold the batch twice.
 */
/**
 * Dev broker only: the lost ack is made by its fault hook (faults.dropConnectionAfterAppend), which
 * Apache Kafka has no equivalent of. On Apache the same clients' idempotence is exercised by the
 * ordering and kcat conformance suites (enable.idempotence, no duplicates) without an injected fault.
 */
describe('idempotent producer when the produce reply is lost [Apache Kafka]', () => {
  it.skip('SKIPPED: the lost-ack fault is injected by a dev broker hook; Apache Kafka has none (not comparable)', () => {});
});

describe('idempotent producer when the produce reply is lost [dev broker]', () => {
  let broker: RunningBroker;
  let kafka: Kafka;
  let admin: Admin;
  // Topics whose next append gets its connection dropped (once each), and how often it fired.
  const armed = new Set<string>();
  const fired: string[] = [];

  beforeAll(async () => {
    broker = await startBroker({
      faults: {
        dropConnectionAfterAppend: (topic) => {
          if (!armed.delete(topic)) return false;
          fired.push(topic);
          return true;
        },
      },
    });
    kafka = kafkaFor(broker);
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.disconnect();
    await broker?.stop();
  });

  const highWatermark = async (topic: string) => (await admin.fetchTopicOffsets(topic)).find((p) => p.partition === 0)!.high;
  const consumeAll = async (topic: string) => (await kcat(['-b', broker.brokers, '-C', '-t', topic, '-e', '-f', '%o %s\n'])).stdout.trim().split('\n');

  itKcat('kafkajs idempotent: true retries and the topic holds exactly one copy', async () => {
    await admin.createTopics({ topics: [{ topic: 'drop-js', numPartitions: 1 }] });
    const producer = kafka.producer({ ...defaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      armed.add('drop-js');
      const first = Array.from({ length: 10 }, (_, i) => ({ value: `a${i}` }));
      const [meta] = await producer.send({ topic: 'drop-js', messages: first });
      expect(fired).toEqual(['drop-js']); // the fault really happened: the first attempt was appended, unanswered
      expect(meta).toMatchObject({ errorCode: 0, baseOffset: '0' }); // the retry got the original offsets back
      // The sequence carries on after the absorbed retry: no OUT_OF_ORDER_SEQUENCE (45).
      await producer.send({ topic: 'drop-js', messages: [{ value: 'b0' }] });
    } finally {
      await producer.disconnect();
    }
    expect(await highWatermark('drop-js')).toBe('11');
    expect(await consumeAll('drop-js')).toEqual([...Array.from({ length: 10 }, (_, i) => `${i} a${i}`), '10 b0']);
  });

  itKcat('kcat -X enable.idempotence=true retries and the topic holds exactly one copy', async () => {
    await admin.createTopics({ topics: [{ topic: 'drop-kcat', numPartitions: 1 }] });
    armed.add('drop-kcat');
    const lines = Array.from({ length: 200 }, (_, i) => `m${i}`);
    // -E: kcat otherwise exits on librdkafka's "all brokers down" event (one broker, just dropped)
    // before librdkafka gets to retry. -d msg logs each Produce with its base sequence.
    const r = await kcat(
      ['-b', broker.brokers, '-P', '-t', 'drop-kcat', '-E', '-d', 'msg', '-X', 'enable.idempotence=true', '-X', 'linger.ms=5'],
      lines.join('\n') + '\n',
    );
    expect(r.code).toBe(0);
    expect(fired).toContain('drop-kcat');
    // The same sequence went out twice (first attempt appended, unanswered; retry absorbed) ...
    expect(r.stderr.match(/Produce MessageSet .*BaseSeq 0,/g)?.length).toBeGreaterThanOrEqual(2);
    expect(r.stderr).toMatch(/BaseSeq 0\) delivered/);
    // ... and the log holds it once.
    expect(await highWatermark('drop-kcat')).toBe('200');
    expect(await consumeAll('drop-kcat')).toEqual(lines.map((l, i) => `${i} ${l}`));
  });
});
