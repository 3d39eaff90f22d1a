import { CompressionTypes, type Admin, type Producer } from 'kafkajs';
import type { RunningBroker } from '../src';
import { Writer } from '../src/protocol/writer';
import { defaultPartitioner, kafkaFor, startBroker } from './helpers/kafkajs-client';
import { kcat, requireKcat } from './helpers/kcat';
import { RawClient } from './helpers/raw-client';

/**
 * ListOffsets by timestamp (§13 C): the answer is the first record with timestamp >= the asked
 * one, and the timestamp reported is that record's own (Kafka's behaviour), which differs from the
 * asked timestamp whenever the query falls between records. Checked on an uncompressed and a gzip
 * batch (the broker has to decompress the latter to see per-record timestamps).
 */
describe('ListOffsets by timestamp', () => {
  let broker: RunningBroker;
  let admin: Admin;
  let producer: Producer;
  let raw: RawClient;
  // Three records, a second apart, in one batch per topic.
  const t0 = Date.now() - 60_000;
  const stamps = [t0 - 1000, t0, t0 + 1000];

  beforeAll(async () => {
    requireKcat();
    broker = await startBroker();
    const kafka = kafkaFor(broker);
    admin = kafka.admin();
    producer = kafka.producer(defaultPartitioner);
    await Promise.all([admin.connect(), producer.connect()]);
    const messages = stamps.map((ts, i) => ({ value: `v${i}`, timestamp: String(ts) }));
    await producer.send({ topic: 'ts-plain', messages });
    await producer.send({ topic: 'ts-gzip', messages, compression: CompressionTypes.GZIP });
    raw = await RawClient.open(broker.port);
  });
  afterAll(async () => {
    raw?.close();
    await Promise.all([admin?.disconnect(), producer?.disconnect()]);
    await broker?.stop();
  });

  /** ListOffsets v1 for partition 0: the broker's [timestamp, offset]. */
  const listOffsets = async (topic: string, timestamp: number): Promise<[number, number]> => {
    const body = new Writer().int32(-1).array([topic], (w, t) => w.string(t).array([0], (w2, p) => w2.int32(p).int64(timestamp)));
    const r = await raw.request(2, 1, body);
    r.int32(); // topics
    r.string();
    r.int32(); // partitions
    r.int32();
    expect(r.int16()).toBe(0);
    return [r.int64(), r.int64()];
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

  it.each(['ts-plain', 'ts-gzip'])('%s: kcat -Q finds the same offsets, and -o s@ consumes from there', async (topic) => {
    // One query per run: kcat keeps only the last -t for a given topic partition.
    const query = async (ts: number) => (await kcat(['-b', broker.brokers, '-Q', '-t', `${topic}:0:${ts}`])).stdout.trim();
    expect(await query(t0 - 500)).toBe(`${topic} [0] offset 1`);
    expect(await query(t0 + 1)).toBe(`${topic} [0] offset 2`);
    const c = await kcat(['-b', broker.brokers, '-C', '-t', topic, '-o', `s@${t0 - 500}`, '-e', '-f', '%o %T %s\n']);
    expect(c.stdout).toBe(`1 ${t0} v1\n2 ${t0 + 1000} v2\n`);
  });
});
