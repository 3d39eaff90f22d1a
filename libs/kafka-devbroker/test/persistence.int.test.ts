import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import type { RunningBroker } from '../src';
import { buildBatch } from './helpers/batch-builder';
import { produceBody, RawClient, readProduceResponse } from './helpers/raw-client';
import { defaultPartitioner, kafkaFor, startBroker, waitFor } from './helpers/kafkajs-client';
import { kcat, requireKcat } from './helpers/kcat';

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });

describe('persistence with dataDir', () => {
  let dataDir: string;
  let port: number;
  let broker: RunningBroker | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'devbroker-'));
    port = await freePort(); // fixed across restarts: clients cache host:port
  });
  afterAll(async () => {
    await broker?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const restart = async () => {
    await broker?.stop();
    broker = await startBroker({ port, dataDir });
    return broker;
  };

  it('keeps logs, high watermarks, committed offsets and producer ids across a restart', async () => {
    const b1 = await restart();
    const kafka = kafkaFor(b1);
    const admin = kafka.admin();
    const producer = kafka.producer({ ...defaultPartitioner, idempotent: true });
    await Promise.all([admin.connect(), producer.connect()]);
    await admin.createTopics({ topics: [{ topic: 'durable', numPartitions: 2 }] });
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
  });

  it('kcat: a -G member resumes at its commits after a broker restart; a gzip batch from kcat survives it', async () => {
    requireKcat();
    const b1 = await restart();
    const produce = async (values: string[], codec = 'none') =>
      expect((await kcat(['-b', b1.brokers, '-P', '-t', 'durable-kcat', '-z', codec], values.join('\n') + '\n')).code).toBe(0);
    const member = async () => {
      const r = await kcat(['-b', b1.brokers, '-G', 'g-durable-kcat', '-X', 'auto.offset.reset=earliest', '-e', '-q', '-f', '%s\n', 'durable-kcat'], undefined, 30_000);
      expect(r.code).toBe(0);
      return r.stdout.trim().split('\n');
    };
    const big = 'z'.repeat(2000); // compressible: librdkafka only compresses when it pays
    await produce(['a0', 'a1', big], 'gzip');
    expect(await member()).toEqual(['a0', 'a1', big]);

    const b2 = await restart(); // same port, same dataDir
    const [first] = b2.broker.topics.partition('durable-kcat', 0)!.read(0, 1 << 30);
    expect(first!.bytes.readInt16BE(21) & 0x07).toBe(1); // the recovered batch is still kcat's gzip bytes
    await produce(['b0', 'b1']);
    expect(await member()).toEqual(['b0', 'b1']); // nothing replayed, nothing lost
    const all = await kcat(['-b', b1.brokers, '-C', '-t', 'durable-kcat', '-e', '-q', '-f', '%o %s\n']);
    expect(all.stdout).toBe(`0 a0\n1 a1\n2 ${big}\n3 b0\n4 b1\n`);
  });

  it('rebuilds idempotent-producer sequences from the log, so a retried batch is still absorbed', async () => {
    const b = await restart();
    const batch = () => buildBatch([{ key: null, value: Buffer.from('x') }], { producerId: 777, producerEpoch: 0, baseSequence: 0 });
    const c1 = await RawClient.open(b.port);
    expect(readProduceResponse(await c1.request(0, 7, produceBody('idem-durable', 0, batch())))).toEqual({ error: 0, baseOffset: 0 });
    c1.close();
    const b2 = await restart();
    const c2 = await RawClient.open(b2.port);
    expect(readProduceResponse(await c2.request(0, 7, produceBody('idem-durable', 0, batch())))).toEqual({ error: 0, baseOffset: 0 });
    c2.close();
    expect(b2.broker.topics.partition('idem-durable', 0)?.highWatermark).toBe(1);
  });

  it('truncates a torn batch at the tail and loses only that batch', async () => {
    const b = await restart();
    const kafka = kafkaFor(b);
    const producer = kafka.producer(defaultPartitioner);
    await producer.connect();
    for (const v of ['one', 'two', 'three']) await producer.send({ topic: 'torn', messages: [{ value: v }] });
    await producer.disconnect();
    await b.stop();
    broker = undefined;
    const dir = join(dataDir, 'torn-0');
    const file = join(dir, readdirSync(dir)[0]!);
    truncateSync(file, statSync(file).size - 5);

    const b2 = await restart();
    expect(b2.broker.topics.partition('torn', 0)?.highWatermark).toBe(2);
    const admin = kafkaFor(b2).admin();
    await admin.connect();
    expect(await admin.fetchTopicOffsets('torn')).toEqual([{ partition: 0, offset: '2', high: '2', low: '0' }]);
    await admin.disconnect();
  });
});
