import { CompressionTypes, type Admin, type Producer } from 'kafkajs';
import { describeEachBroker } from './helpers/broker-under-test';
import { createTopics, defaultPartitioner, kafkaFor } from './helpers/kafkajs-client';
import { itKcat, kcat } from './helpers/kcat';
import { listOffsetV1, produceBody, RawClient, readProduceResponse } from './helpers/raw-client';
import { buildBatch } from './helpers/batch-builder';

/**
 * ListOffsets by timestamp (§13 C): the answer is the first record with timestamp >= the asked
 * one, and the timestamp reported is that record's own (Kafka's behaviour), which differs from the
 * asked timestamp whenever the query falls between records. Checked on an uncompressed and a gzip
 * batch (the broker has to decompress the latter to see per-record timestamps).
 */
describeEachBroker('ListOffsets by timestamp', (suite) => {
  let admin: Admin;
  let producer: Producer;
  let raw: RawClient;
  // Three records, a second apart, in one batch per topic.
  const t0 = Date.now() - 60_000;
  const stamps = [t0 - 1000, t0, t0 + 1000];

  beforeAll(async () => {
    const kafka = kafkaFor(suite.broker);
    admin = kafka.admin();
    producer = kafka.producer(defaultPartitioner);
    await Promise.all([admin.connect(), producer.connect()]);
    const messages = stamps.map((ts, i) => ({ value: `v${i}`, timestamp: String(ts) }));
    await producer.send({ topic: 'ts-plain', messages });
    await producer.send({ topic: 'ts-gzip', messages, compression: CompressionTypes.GZIP });
    raw = await RawClient.open(suite.broker.port);
  });
  afterAll(async () => {
    raw?.close();
    await Promise.all([admin?.disconnect(), producer?.disconnect()]);
  });

  /** ListOffsets v1 for partition 0: the broker's [timestamp, offset]. */
  const listOffsets = async (topic: string, timestamp: number): Promise<[number, number]> => {
    const r = await listOffsetV1(raw, topic, 0, timestamp);
    expect(r.error).toBe(0);
    return [r.timestamp, r.offset];
  };

  it.each(['ts-plain', 'ts-gzip'])('%s: reports the found record’s own timestamp (raw ListOffsets v1)', async (topic) => {
    expect(await listOffsets(topic, t0 - 500)).toEqual([t0, 1]); // between records: the next one, with its timestamp
    expect(await listOffsets(topic, t0 + 1)).toEqual([t0 + 1000, 2]);
    expect(await listOffsets(topic, t0 - 5000)).toEqual([t0 - 1000, 0]);
    expect(await listOffsets(topic, t0)).toEqual([t0, 1]); // exact hit
    expect(await listOffsets(topic, t0 + 5000)).toEqual([-1, -1]); // nothing that late
    expect(await listOffsets(topic, -1)).toEqual([-1, 3]); // latest
    expect(await listOffsets(topic, -2)).toEqual([-1, 0]); // earliest
  });

  it.each(['ts-plain', 'ts-gzip'])('%s: kafkajs fetchTopicOffsetsByTimestamp finds the same offsets', async (topic) => {
    expect(await admin.fetchTopicOffsetsByTimestamp(topic, t0 - 500)).toEqual([{ partition: 0, offset: '1' }]);
    expect(await admin.fetchTopicOffsetsByTimestamp(topic, t0 + 1)).toEqual([{ partition: 0, offset: '2' }]);
    // Nothing at or after: kafkajs substitutes the high watermark for Kafka's -1.
    expect(await admin.fetchTopicOffsetsByTimestamp(topic, t0 + 5000)).toEqual([{ partition: 0, offset: '3' }]);
  });

  for (const topic of ['ts-plain', 'ts-gzip']) {
    itKcat(`${topic}: kcat -Q finds the same offsets, and -o s@ consumes from there`, async () => {
      // One query per run: kcat keeps only the last -t for a given topic partition.
      const query = async (ts: number) => (await kcat(['-b', suite.broker.brokers, '-Q', '-t', `${topic}:0:${ts}`])).stdout.trim();
      expect(await query(t0 - 500)).toBe(`${topic} [0] offset 1`);
      expect(await query(t0 + 1)).toBe(`${topic} [0] offset 2`);
      const c = await kcat(['-b', suite.broker.brokers, '-C', '-t', topic, '-o', `s@${t0 - 500}`, '-e', '-f', '%o %T %s\n']);
      expect(c.stdout).toBe(`1 ${t0} v1\n2 ${t0 + 1000} v2\n`);
    });
  }

  /**
   * Divergence (README): the dev broker has no snappy/LZ4/zstd decoder (Node core only), so for
   * such a batch it answers at batch granularity: the batch's first record. Apache Kafka decompresses
   * and finds the record. One LZ4 batch of three records a second apart; kcat reads it back, so the
   * frame is a real LZ4 one.
   */
  itKcat('an LZ4 batch: Apache finds the record inside it, the dev broker answers with the batch start', async () => {
    const topic = 'ts-lz4';
    const admin = kafkaFor(suite.broker).admin();
    await admin.connect();
    await createTopics(admin, [{ topic }]);
    await admin.disconnect();
    const batch = buildBatch(
      stamps.map((timestamp, i) => ({ key: null, value: Buffer.from(`v${i}`), timestamp })),
      { lz4: true },
    );
    expect(readProduceResponse(await raw.request(0, 7, produceBody(topic, 0, batch)))).toEqual({ error: 0, baseOffset: 0 });
    const back = await kcat(['-b', suite.broker.brokers, '-C', '-t', topic, '-e', '-q', '-f', '%o %T %s\n']);
    expect(back.stdout).toBe(stamps.map((ts, i) => `${i} ${ts} v${i}\n`).join(''));
    const found = await listOffsets(topic, t0 - 500);
    if (suite.kind === 'apache') expect(found).toEqual([t0, 1]);
    else expect(found).toEqual([t0 - 1000, 0]);
  });
});
