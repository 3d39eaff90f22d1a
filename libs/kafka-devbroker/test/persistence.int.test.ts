import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBatch } from './helpers/batch-builder';
import { type BrokerUnderTest, describeEachBroker, startDevBroker } from './helpers/broker-under-test';
import { createTopics, defaultPartitioner, kafkaFor, waitFor } from './helpers/kafkajs-client';
import { itKcat, kcat } from './helpers/kcat';
import { highWatermark, produceBody, RawClient, readProduceResponse, storedCodecs } from './helpers/raw-client';

/** A JVM restart on a loaded machine takes up to a minute. */
const RESTART_TEST_MS = 180_000;

/** A data dir per broker kind for this file, removed at the end. */
const dirs = { devbroker: mkdtempSync(join(tmpdir(), 'devbroker-')), apache: mkdtempSync(join(tmpdir(), 'apache-persist-')) };
afterAll(() => Object.values(dirs).forEach((d) => rmSync(d, { recursive: true, force: true })));

/**
 * Restart keeps data, on both brokers: the dev broker stops and starts again on the same port and
 * dataDir; the Apache Kafka node is killed (SIGKILL) and started again on the same ports and log dir.
 */
describeEachBroker(
  'persistence across a broker restart',
  (suite) => {
    /** Stops the broker (the dev broker cleanly, Apache with SIGKILL), runs `between`, starts it again. */
    const restart = async (between?: () => void): Promise<BrokerUnderTest> => {
      const b = suite.broker;
      if (b.apache) {
        await b.apache.nodes[0]!.kill();
        between?.();
        await b.apache.nodes[0]!.restart();
        return b;
      }
      await b.stop();
      suite.replace(undefined);
      between?.();
      const next = await startDevBroker({ port: b.port, dataDir: dirs.devbroker });
      suite.replace(next);
      return next;
    };
    /** The folder of a partition's log segments. */
    const partitionDir = (topic: string, partition: number) =>
      suite.kind === 'apache' ? join(dirs.apache, 'node-1', 'data', `${topic}-${partition}`) : join(dirs.devbroker, `${topic}-${partition}`);

    it(
      'keeps logs, high watermarks, committed offsets and producer ids across a restart',
      async () => {
        const kafka = kafkaFor(suite.broker);
        const admin = kafka.admin();
        const producer = kafka.producer({ ...defaultPartitioner, idempotent: true });
        await Promise.all([admin.connect(), producer.connect()]);
        await createTopics(admin, [{ topic: 'durable', numPartitions: 2 }]);
        await producer.send({ topic: 'durable', messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `before-${i}` })) });
        const c1 = kafka.consumer({ groupId: 'g-durable', maxWaitTimeInMs: 100 });
        const seen: string[] = [];
        await c1.connect();
        await c1.subscribe({ topic: 'durable', fromBeginning: true });
        await c1.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
        await waitFor(() => seen.length === 20, 10_000, 'first 20');
        await c1.disconnect();
        const before = await admin.fetchTopicOffsets('durable');
        await Promise.all([admin.disconnect(), producer.disconnect()]);

        const b2 = await restart();
        // Fresh clients: the old ones' sockets were closed by the stopped broker.
        const kafka2 = kafkaFor(b2);
        const admin2 = kafka2.admin();
        const producer2 = kafka2.producer({ ...defaultPartitioner, idempotent: true });
        await Promise.all([admin2.connect(), producer2.connect()]);
        expect(await admin2.fetchTopicOffsets('durable')).toEqual(before);
        expect(await admin2.fetchOffsets({ groupId: 'g-durable', topics: ['durable'] })).toEqual([
          { topic: 'durable', partitions: expect.arrayContaining(before.map((p) => ({ partition: p.partition, offset: p.high, metadata: null }))) },
        ]);
        await producer2.send({ topic: 'durable', messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `after-${i}` })) });
        const c2 = kafka2.consumer({ groupId: 'g-durable', maxWaitTimeInMs: 100 });
        const resumed: string[] = [];
        await c2.connect();
        await c2.subscribe({ topic: 'durable', fromBeginning: true });
        await c2.run({ eachMessage: async ({ message }) => void resumed.push(message.value!.toString()) });
        await waitFor(() => resumed.length === 10, 10_000, 'the 10 new messages');
        expect(resumed.every((v) => v.startsWith('after-'))).toBe(true);
        await c2.disconnect();
        await Promise.all([admin2.disconnect(), producer2.disconnect()]);
      },
      RESTART_TEST_MS,
    );

    itKcat(
      'kcat: a -G member resumes at its commits after a broker restart; a gzip batch from kcat survives it',
      async () => {
        const b1 = suite.broker;
        const produce = async (values: string[], codec = 'none') =>
          expect((await kcat(['-b', b1.brokers, '-P', '-t', 'durable-kcat', '-z', codec], values.join('\n') + '\n')).code).toBe(0);
        const member = async () => {
          const r = await kcat(
            ['-b', b1.brokers, '-G', 'g-durable-kcat', '-X', 'auto.offset.reset=earliest', '-e', '-q', '-f', '%s\n', 'durable-kcat'],
            undefined,
            30_000,
          );
          expect(r.code).toBe(0);
          return r.stdout.trim().split('\n');
        };
        const big = 'z'.repeat(2000); // compressible: librdkafka only compresses when it pays
        await produce(['a0', 'a1', big], 'gzip');
        expect(await member()).toEqual(['a0', 'a1', big]);

        const b2 = await restart(); // same port, same dataDir
        // The recovered big message's batch is still kcat's gzip bytes (the small ones may have gone in
        // a batch of their own, uncompressed: librdkafka compresses only when it pays).
        expect(await storedCodecs(b2.port, 'durable-kcat')).toContain(1);
        await produce(['b0', 'b1']);
        expect(await member()).toEqual(['b0', 'b1']); // nothing replayed, nothing lost
        const all = await kcat(['-b', b1.brokers, '-C', '-t', 'durable-kcat', '-e', '-q', '-f', '%o %s\n']);
        expect(all.stdout).toBe(`0 a0\n1 a1\n2 ${big}\n3 b0\n4 b1\n`);
      },
      RESTART_TEST_MS,
    );

    it(
      'rebuilds idempotent-producer sequences from the log, so a retried batch is still absorbed',
      async () => {
        const b = suite.broker;
        const admin = kafkaFor(b).admin();
        await admin.connect();
        await createTopics(admin, [{ topic: 'idem-durable' }]); // Apache creates topics on Metadata only
        await admin.disconnect();
        const batch = () => buildBatch([{ key: null, value: Buffer.from('x') }], { producerId: 777, producerEpoch: 0, baseSequence: 0 });
        const c1 = await RawClient.open(b.port);
        expect(readProduceResponse(await c1.request(0, 7, produceBody('idem-durable', 0, batch())))).toEqual({ error: 0, baseOffset: 0 });
        c1.close();
        const b2 = await restart();
        const c2 = await RawClient.open(b2.port);
        expect(readProduceResponse(await c2.request(0, 7, produceBody('idem-durable', 0, batch())))).toEqual({ error: 0, baseOffset: 0 });
        c2.close();
        expect(await highWatermark(b2.port, 'idem-durable')).toBe(1);
      },
      RESTART_TEST_MS,
    );

    it(
      'truncates a torn batch at the tail and loses only that batch',
      async () => {
        const b = suite.broker;
        const kafka = kafkaFor(b);
        const producer = kafka.producer(defaultPartitioner);
        await producer.connect();
        for (const v of ['one', 'two', 'three']) await producer.send({ topic: 'torn', messages: [{ value: v }] });
        await producer.disconnect();
        const b2 = await restart(() => {
          const dir = partitionDir('torn', 0);
          const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.log'))!);
          truncateSync(file, statSync(file).size - 5);
        });
        expect(await highWatermark(b2.port, 'torn')).toBe(2);
        const admin = kafkaFor(b2).admin();
        await admin.connect();
        expect(await admin.fetchTopicOffsets('torn')).toEqual([{ partition: 0, offset: '2', high: '2', low: '0' }]);
        await admin.disconnect();
      },
      RESTART_TEST_MS,
    );
  },
  { devbroker: { dataDir: dirs.devbroker }, apache: { dir: dirs.apache } },
);
