import type { Admin, Consumer, Producer } from 'kafkajs';
import { Writer } from '../src/protocol/writer';
import type { Reader } from '../src/protocol/reader';
import { buildBatch } from './helpers/batch-builder';
import { describeEachBroker, recordResult } from './helpers/broker-under-test';
import { createTopics, defaultPartitioner, kafkaFor, waitFor } from './helpers/kafkajs-client';
import { produceBody, RawClient, readProduceResponse } from './helpers/raw-client';

/**
 * Fetch long-polling (§13 E): an idle Fetch is held for max_wait (not answered at once, not
 * forever); min_bytes > 1 holds it until that many bytes exist; an append wakes it at once.
 * Timing bounds are loose on the upper side because the machine is shared.
 */
describeEachBroker('Fetch long-poll timing', (suite) => {
  let admin: Admin;
  let producer: Producer;
  let raw: RawClient;
  let appender: RawClient; // a second connection: requests on one connection are answered in order
  const consumers: Consumer[] = [];
  /**
   * Added to the upper bounds on Apache Kafka only: its JVM (C1 only, serial GC) on this shared 2-core
   * machine at load ~20 stalled single answers by up to ~900 ms. Lower bounds are the same for both.
   */
  const jvmSlackMs = () => (suite.kind === 'apache' ? 1000 : 0);

  beforeAll(async () => {
    const kafka = kafkaFor(suite.broker);
    admin = kafka.admin();
    producer = kafka.producer(defaultPartitioner);
    await Promise.all([admin.connect(), producer.connect()]);
    await createTopics(
      admin,
      ['idle', 'minbytes', 'latency'].map((topic) => ({ topic, numPartitions: 1 })),
    );
    [raw, appender] = await Promise.all([RawClient.open(suite.broker.port), RawClient.open(suite.broker.port)]);
  });
  afterAll(async () => {
    raw?.close();
    appender?.close();
    await Promise.all(consumers.map((c) => c.disconnect()));
    await Promise.all([admin?.disconnect(), producer?.disconnect()]);
  });

  /** Fetch v4 of partition 0 from offset 0; resolves with the elapsed ms and the record bytes returned. */
  const fetch = async (topic: string, maxWaitMs: number, minBytes: number): Promise<{ ms: number; bytes: number }> => {
    const body = new Writer()
      .int32(-1) // replica_id
      .int32(maxWaitMs)
      .int32(minBytes)
      .int32(1 << 20)
      .int8(0)
      .array([topic], (w, t) =>
        w.string(t).array([0], (w2, p) =>
          w2
            .int32(p)
            .int64(0)
            .int32(1 << 20),
        ),
      );
    const started = performance.now();
    const r: Reader = await raw.request(1, 4, body);
    const ms = performance.now() - started;
    r.int32(); // throttle
    r.int32(); // topics
    r.string();
    r.int32(); // partitions
    r.int32();
    expect(r.int16()).toBe(0);
    r.int64(); // high watermark
    r.int64(); // last stable offset
    r.int32(); // aborted transactions (null)
    return { ms, bytes: r.bytes().length };
  };

  const append = async (topic: string, batch: Buffer) => expect(readProduceResponse(await appender.request(0, 7, produceBody(topic, 0, batch))).error).toBe(0);

  it('holds an idle Fetch for max_wait (500 ms): not answered at once, not hanging', async () => {
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { ms, bytes } = await fetch('idle', 500, 1);
      expect(bytes).toBe(0);
      runs.push(ms);
    }
    runs.sort((a, b) => a - b);
    expect(runs[0]).toBeGreaterThanOrEqual(495); // the timer never fires early
    // Median: max_wait + 50 ms on the dev broker; Apache's delayed-fetch purgatory (a JVM on a loaded
    // machine) measured up to +80 ms.
    expect(runs[2]).toBeLessThanOrEqual(suite.kind === 'apache' ? 650 : 550);
    expect(runs[4]).toBeLessThan(800 + jvmSlackMs()); // worst case: slack for a loaded machine
  });

  it('honours min_bytes: waits for that many bytes, then wakes on the append that provides them', async () => {
    const batch = buildBatch([{ key: null, value: Buffer.alloc(100, 1) }]);
    await append('minbytes', batch);
    // Enough bytes already: answered at once.
    const ready = await fetch('minbytes', 3000, batch.length);
    expect(ready).toMatchObject({ bytes: batch.length });
    expect(ready.ms).toBeLessThan(200 + jvmSlackMs());

    // Needs two batches: held until the second is appended (~300 ms in), then answered promptly.
    let answeredAt = 0;
    const waiting = fetch('minbytes', 3000, batch.length * 2).then((f) => ((answeredAt = performance.now()), f));
    await new Promise((r) => setTimeout(r, 300)); // the stimulus: an append in the middle of the wait
    expect(answeredAt).toBe(0); // one batch is not enough
    await append('minbytes', buildBatch([{ key: null, value: Buffer.alloc(100, 2) }]));
    const appendedAt = performance.now();
    const held = await waiting;
    expect(held.bytes).toBe(batch.length * 2);
    expect(held.ms).toBeGreaterThanOrEqual(290);
    expect(answeredAt - appendedAt).toBeLessThan(200 + jvmSlackMs()); // woken by the append, long before 3000 ms

    // More than will ever arrive: answered at max_wait with what there is.
    const partial = await fetch('minbytes', 400, batch.length * 10);
    expect(partial.bytes).toBe(batch.length * 2);
    expect(partial.ms).toBeGreaterThanOrEqual(395);
    expect(partial.ms).toBeLessThan(700 + jvmSlackMs());
  });

  it('wakes a waiting kafkajs consumer on produce: delivery p50 far under max wait (500 ms)', async () => {
    const consumer = kafkaFor(suite.broker).consumer({ groupId: 'g-latency', maxWaitTimeInMs: 500, sessionTimeout: 3000, heartbeatInterval: 300 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: 'latency', fromBeginning: true });
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        const v = message.value!.toString();
        latencies.push(performance.now() - sentAt.get(v)!);
      },
    });
    await waitFor(() => joined, 10_000, 'consumer joined');
    // One message at a time, each sent only after the previous arrived, so every one lands while
    // the consumer sits in a long-poll: without the wake-up each would take ~max wait.
    for (let i = 0; i < 200; i++) {
      sentAt.set(`m${i}`, performance.now());
      await producer.send({ topic: 'latency', messages: [{ value: `m${i}` }] });
      await waitFor(() => latencies.length === i + 1, 5_000, `message ${i}`);
    }
    latencies.sort((a, b) => a - b);
    const p50 = latencies[99]!;
    const p99 = latencies[197]!;
    if (process.env.DEVBROKER_TEST_VERBOSE) console.log({ broker: suite.broker.name, p50, p99, max: latencies[199] });
    recordResult(`fetch-wakeup broker="${suite.broker.name}" p50Ms=${p50.toFixed(1)} p99Ms=${p99.toFixed(1)} maxMs=${latencies[199]!.toFixed(1)}`);
    // Without the wake-up every delivery would take ~max wait (500 ms). Apache measured p50 ~100 ms
    // (kafkajs's own fetch loop plus the JVM on a loaded 2-core machine), the dev broker ~25 ms.
    // Apache's p99 measured 388-432 ms there, so its bound is two max waits: no delivery waits out a poll twice.
    expect(p50).toBeLessThan(suite.kind === 'apache' ? 250 : 50);
    expect(p99).toBeLessThan(suite.kind === 'apache' ? 1000 : 400);
  });
});
