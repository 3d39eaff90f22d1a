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

  request(apiKey: number, version: number, body: Writer): Promise<Reader> {
    const { bytes, correlationId } = this.frame(apiKey, version, body);
    const p = this.response(correlationId);
    this.socket.write(bytes);
    return p;
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
