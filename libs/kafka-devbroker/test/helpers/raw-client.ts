import { connect, type Socket } from 'node:net';
import { Reader } from '../../src/protocol/reader';
import { Writer } from '../../src/protocol/writer';

/** A bare Kafka-protocol client (request header v1) for poking at the broker byte by byte. */
export class RawClient {
  private buffered = Buffer.alloc(0);
  private nextCorrelation = 1;
  private readonly waiting = new Map<number, (r: Reader) => void>();
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  /** The framed bytes of a request (for tests that write frames themselves). */
  frame(apiKey: number, version: number, body: Writer, correlationId = this.nextCorrelation++): { bytes: Buffer; correlationId: number } {
    const b = body.toBuffer();
    const w = new Writer(b.length + 32).int32(0).int16(apiKey).int16(version).int32(correlationId).string('raw-client').raw(b);
    const bytes = w.toBuffer();
    bytes.writeInt32BE(bytes.length - 4, 0);
    return { bytes: Buffer.from(bytes), correlationId };
  }

  /** Resolves with the response body (after the correlation id). */
  response(correlationId: number): Promise<Reader> {
    return new Promise((resolve) => this.waiting.set(correlationId, resolve));
  }

  /** Resolves with the response; rejects when the broker closes the connection instead of answering. */
  request(apiKey: number, version: number, body: Writer): Promise<Reader> {
    const { bytes, correlationId } = this.frame(apiKey, version, body);
    const p = this.response(correlationId);
    this.socket.write(bytes);
    return Promise.race([
      p,
      this.closed.then(() => Promise.reject(new Error(`the broker closed the connection instead of answering API ${apiKey} v${version}`))),
    ]);
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 4) {
      const size = this.buffered.readInt32BE(0);
      if (this.buffered.length < size + 4) return;
      const frame = this.buffered.subarray(4, size + 4);
      this.buffered = this.buffered.subarray(size + 4);
      const r = new Reader(Buffer.from(frame));
      const correlationId = r.int32();
      this.received.push(correlationId);
      this.waiting.get(correlationId)?.(r);
      this.waiting.delete(correlationId);
    }
  }

  /** Correlation ids in arrival order. */
  readonly received: number[] = [];
}

/** Produce v7 body for one partition. */
export const produceBody = (topic: string, partition: number, batch: Buffer, acks = -1): Writer =>
  new Writer()
    .nullableString(null)
    .int16(acks)
    .int32(5000)
    .array([topic], (w, t) => w.string(t).array([partition], (w2, p) => w2.int32(p).bytes(batch)));

/** Reads a Produce v7 response for one partition. */
export const readProduceResponse = (r: Reader): { error: number; baseOffset: number } => {
  r.int32(); // topics count
  r.string();
  r.int32(); // partitions count
  r.int32();
  const error = r.int16();
  const baseOffset = r.int64();
  return { error, baseOffset };
};

/** The stored record batches of one partition from `offset` (raw Fetch v4): what the broker keeps, byte for byte. */
export const fetchBatches = async (client: RawClient, topic: string, partition = 0, offset = 0): Promise<Buffer[]> => {
  const body = new Writer()
    .int32(-1) // replica_id
    .int32(100) // max_wait_ms
    .int32(1) // min_bytes
    .int32(16 << 20)
    .int8(0) // isolation: read uncommitted
    .array([topic], (w, t) =>
      w.string(t).array([partition], (w2, p) =>
        w2
          .int32(p)
          .int64(offset)
          .int32(16 << 20),
      ),
    );
  const r = await client.request(1, 4, body);
  r.int32(); // throttle
  r.int32(); // topics
  r.string();
  r.int32(); // partitions
  r.int32();
  const error = r.int16();
  if (error !== 0) throw new Error(`Fetch ${topic}[${partition}]: error ${error}`);
  r.int64(); // high watermark
  r.int64(); // last stable offset
  const aborted = r.int32();
  for (let i = 0; i < aborted; i++) r.int64(), r.int64();
  const records = r.bytes();
  const batches: Buffer[] = [];
  for (let at = 0; at + 12 <= records.length; ) {
    const size = 12 + records.readInt32BE(at + 8);
    if (at + size > records.length) break; // a partial batch at the end of the response
    batches.push(records.subarray(at, at + size));
    at += size;
  }
  return batches;
};

/** The compression codec bits (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd) of each stored batch. */
export const storedCodecs = async (port: number, topic: string, partition = 0): Promise<number[]> => {
  const client = await RawClient.open(port);
  try {
    return (await fetchBatches(client, topic, partition)).map((b) => b.readInt16BE(21) & 0x07);
  } finally {
    client.close();
  }
};

/** ListOffsets v1 for one partition: the broker's [timestamp, offset] for `timestamp` (-1 latest, -2 earliest). */
export const listOffsetV1 = async (
  client: RawClient,
  topic: string,
  partition: number,
  timestamp: number,
): Promise<{ error: number; timestamp: number; offset: number }> => {
  const body = new Writer().int32(-1).array([topic], (w, t) => w.string(t).array([partition], (w2, p) => w2.int32(p).int64(timestamp)));
  const r = await client.request(2, 1, body);
  r.int32(); // topics
  r.string();
  r.int32(); // partitions
  r.int32();
  return { error: r.int16(), timestamp: r.int64(), offset: r.int64() };
};

/** While a restarted Apache Kafka node takes its partitions back: unknown topic, no leader yet, not the leader. */
const NOT_READY_YET = new Set([3, 5, 6]);

/** The high watermark of a partition (raw ListOffsets v1, latest), from a connection of its own. */
export const highWatermark = async (port: number, topic: string, partition = 0, patienceMs = 30_000): Promise<number> => {
  const client = await RawClient.open(port);
  const until = Date.now() + patienceMs;
  try {
    for (;;) {
      const r = await listOffsetV1(client, topic, partition, -1);
      if (r.error === 0) return r.offset;
      if (!NOT_READY_YET.has(r.error) || Date.now() > until) throw new Error(`ListOffsets ${topic}[${partition}]: error ${r.error}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    client.close();
  }
};
