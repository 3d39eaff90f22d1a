import { connect } from 'node:net';
import { ErrorCode } from '../src/protocol/error-codes';
import { Writer } from '../src/protocol/writer';
import { buildBatch } from './helpers/batch-builder';
import { describeEachBroker, recordResult } from './helpers/broker-under-test';
import { createTopics, kafkaFor } from './helpers/kafkajs-client';
import { highWatermark, produceBody, RawClient, readProduceResponse } from './helpers/raw-client';

const rec = (v: string) => ({ key: Buffer.from(`k-${v}`), value: Buffer.from(v) });
const metadataBody = (topics: string[]) => new Writer().array(topics, (w, t) => w.string(t)).bool(true);

/** The dev broker's ApiVersions ranges (key: [min, max]), the spec it claims. */
const DEV_RANGES: Record<string, [number, number]> = {
  0: [0, 7],
  1: [4, 11],
  2: [1, 3],
  3: [1, 6],
  8: [2, 5],
  9: [1, 4],
  10: [0, 2],
  11: [0, 5],
  12: [0, 3],
  13: [0, 3],
  14: [0, 3],
  15: [0, 2],
  16: [0, 2],
  18: [0, 3],
  19: [0, 3],
  20: [0, 1],
  22: [0, 1],
  42: [0, 1],
};

describeEachBroker('wire protocol edge cases (raw socket)', (suite) => {
  let client: RawClient;
  const port = () => suite.broker.port;
  const apache = suite.kind === 'apache';

  beforeAll(async () => {
    // Apache Kafka creates topics on Metadata only, never on Produce (see the test below): made up front.
    const admin = kafkaFor(suite.broker).admin();
    await admin.connect();
    await createTopics(
      admin,
      ['old-format', 'crc', 'acks0', 'idem'].map((topic) => ({ topic })),
    );
    await admin.disconnect();
  });
  beforeEach(async () => {
    client = await RawClient.open(port());
  });
  afterEach(() => client.close());

  it('answers an unknown ApiVersions version with a v0 body carrying error 35', async () => {
    // One empty tagged-fields byte: Apache reads an unknown ApiVersions version's header as v2 (flexible).
    const r = await client.request(18, 9, new Writer().int8(0));
    expect(r.int16()).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(r.array((x) => [x.int16(), x.int16(), x.int16()])).toEqual([[18, 0, apache ? 4 : 3]]);
  });

  it('advertises the spec ranges in ApiVersions v2 (Apache: every API the dev broker has, with overlapping versions)', async () => {
    const r = await client.request(18, 2, new Writer());
    expect(r.int16()).toBe(0);
    const ranges = Object.fromEntries(r.array((x) => [x.int16(), [x.int16(), x.int16()]])) as Record<string, [number, number]>;
    if (!apache) expect(ranges).toEqual(DEV_RANGES);
    else {
      recordResult(
        `apache-api-versions ${Object.entries(DEV_RANGES)
          .map(([k]) => `${k}:${ranges[k]?.join('-')}`)
          .join(' ')} total=${Object.keys(ranges).length}`,
      );
      for (const [key, [min, max]] of Object.entries(DEV_RANGES)) {
        const [amin, amax] = ranges[key] ?? [-1, -2];
        expect({ key, overlaps: amin <= max && min <= amax }).toEqual({ key, overlaps: true });
      }
    }
  });

  // Divergence (README): the dev broker auto-creates a topic on Produce as on Metadata; Apache Kafka only on Metadata.
  it('Produce to an unknown topic: the dev broker creates it, Apache Kafka answers UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const r = readProduceResponse(await client.request(0, 7, produceBody('made-by-produce', 0, buildBatch([rec('a')]))));
    expect(r).toEqual(apache ? { error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, baseOffset: -1 } : { error: 0, baseOffset: 0 });
  });

  // Divergence (README): Apache Kafka 4 no longer speaks Produce v0–2 (KIP-896) and closes the connection.
  it.each([0, 1, 2])(
    'refuses Produce v%d (old message sets): dev broker per partition with 43 in that version’s response shape, appending nothing',
    async (v) => {
      // Advertised only so librdkafka compresses (its gzip/lz4 gate asks for Produce ∋ v0).
      const body = new Writer()
        .int16(-1)
        .int32(5000)
        .array(['old-format'], (w, t) => w.string(t).array([0], (w2, p) => w2.int32(p).bytes(buildBatch([rec('a')]))));
      if (apache) {
        client.socket.write(client.frame(0, v, body).bytes);
        await client.closed;
        expect(await highWatermark(port(), 'old-format')).toBe(0);
        return;
      }
      const r = await client.request(0, v, body);
      expect(r.array((t) => [t.string(), t.array((p) => [p.int32(), p.int16(), p.int64(), ...(v >= 2 ? [p.int64()] : [])])])).toEqual([
        ['old-format', [[0, ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, -1, ...(v >= 2 ? [-1] : [])]]],
      ]);
      if (v >= 1) expect(r.int32()).toBe(0); // throttle_time_ms
      expect(r.remaining).toBe(0);
      expect(await highWatermark(port(), 'old-format')).toBe(0);
    },
  );

  it('answers pipelined requests in order, even when frames arrive one byte at a time', async () => {
    const frames = [client.frame(3, 6, metadataBody(['pipe'])), client.frame(18, 2, new Writer()), client.frame(3, 1, metadataBody([]))];
    const responses = frames.map((f) => client.response(f.correlationId));
    const bytes = Buffer.concat(frames.map((f) => f.bytes));
    for (let i = 0; i < bytes.length; i++) client.socket.write(bytes.subarray(i, i + 1));
    await Promise.all(responses);
    expect(client.received).toEqual(frames.map((f) => f.correlationId));
  });

  it('refuses a batch with a bad CRC with CORRUPT_MESSAGE and appends nothing', async () => {
    const batch = buildBatch([rec('a')]);
    batch.writeUInt8(batch.readUInt8(batch.length - 1) ^ 0xff, batch.length - 1);
    expect(readProduceResponse(await client.request(0, 7, produceBody('crc', 0, batch)))).toEqual({ error: ErrorCode.CORRUPT_MESSAGE, baseOffset: -1 });
    expect(await highWatermark(port(), 'crc')).toBe(0);
  });

  it('sends no response to acks=0 and keeps serving the connection', async () => {
    const silent = client.frame(0, 7, produceBody('acks0', 0, buildBatch([rec('a')]), 0));
    client.socket.write(silent.bytes);
    const r = readProduceResponse(await client.request(0, 7, produceBody('acks0', 0, buildBatch([rec('b')]))));
    expect(r).toEqual({ error: 0, baseOffset: 1 });
    expect(client.received).not.toContain(silent.correlationId);
  });

  it('absorbs idempotent duplicates, refuses sequence gaps (45) and fenced epochs (47)', async () => {
    const pid = 4242;
    const send = (seq: number, epoch: number, v: string) =>
      client
        .request(0, 7, produceBody('idem', 0, buildBatch([rec(v), rec(`${v}2`)], { producerId: pid, producerEpoch: epoch, baseSequence: seq })))
        .then(readProduceResponse);
    expect(await send(0, 0, 'a')).toEqual({ error: 0, baseOffset: 0 });
    expect(await send(2, 0, 'b')).toEqual({ error: 0, baseOffset: 2 });
    expect(await send(0, 0, 'a')).toEqual({ error: 0, baseOffset: 0 }); // retry of an acknowledged batch
    expect(await send(7, 0, 'gap')).toMatchObject({ error: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER });
    expect(await send(0, 1, 'c')).toEqual({ error: 0, baseOffset: 4 }); // a bumped epoch restarts at 0
    expect(await send(2, 0, 'old')).toMatchObject({ error: ErrorCode.INVALID_PRODUCER_EPOCH });
    expect(await highWatermark(port(), 'idem')).toBe(6);
  });

  it('closes the connection on a malformed frame and keeps serving others', async () => {
    const bad = new Writer().int32(10).int16(3).int16(99).int32(1).int16(0).toBuffer(); // Metadata v99
    client.socket.write(bad);
    await client.closed;
    const other = await RawClient.open(port());
    const r = await other.request(18, 2, new Writer());
    expect(r.int16()).toBe(0);
    other.close();
  });

  it('never crashes on seeded random bodies for every advertised API and version: it answers or closes', async () => {
    const ranges: [number, number][] = [];
    const r = await client.request(18, 2, new Writer());
    r.int16();
    for (const [key, min, max] of r.array((x) => [x.int16(), x.int16(), x.int16()] as const)) for (let v = min; v <= max; v++) ranges.push([key, v]);
    let seed = 20240611;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const outcomes = { answered: 0, closed: 0, pending: 0 };
    // One connection per frame, 20 at a time; a frame the broker cannot decode closes its connection.
    const poke = async (key: number, version: number) => {
      const c = await RawClient.open(port());
      const body = Buffer.from(Array.from({ length: Math.floor(random() * 80) }, () => Math.floor(random() * 256)));
      const f = c.frame(key, version, new Writer().raw(body));
      c.socket.write(f.bytes);
      const outcome = await Promise.race([
        c.response(f.correlationId).then(() => 'answered' as const),
        c.closed.then(() => 'closed' as const),
        new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), 300)), // a long-poll or a join barrier
      ]);
      outcomes[outcome]++;
      c.close();
    };
    // Apache advertises some 80 APIs and many versions: one pass there, three on the dev broker.
    const frames = Array.from({ length: apache ? 1 : 3 }, () => ranges).flat();
    for (let i = 0; i < frames.length; i += 20) await Promise.all(frames.slice(i, i + 20).map(([k, v]) => poke(k, v)));
    expect(outcomes.answered + outcomes.closed + outcomes.pending).toBe(frames.length);
    expect(outcomes.closed).toBeGreaterThan(0);
    const other = await RawClient.open(port());
    expect((await other.request(18, 2, new Writer())).int16()).toBe(0);
    other.close();
  });

  it('survives an oversized frame header and a client vanishing mid-frame', async () => {
    client.socket.write(new Writer().int32(0x7fffffff).toBuffer());
    await client.closed;
    const s = connect(port(), '127.0.0.1');
    await new Promise<void>((resolve) => s.on('connect', () => resolve()));
    s.end(new Writer().int32(100).int16(3).toBuffer());
    await new Promise<void>((resolve) => s.on('close', () => resolve()));
    const other = await RawClient.open(port());
    expect((await other.request(18, 0, new Writer())).int16()).toBe(0);
    other.close();
  });
});
