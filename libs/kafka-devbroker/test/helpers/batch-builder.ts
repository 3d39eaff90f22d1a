import { crc32c } from '../../src/protocol/crc32c';
import { Writer } from '../../src/protocol/writer';

export interface RawRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers?: [string, Buffer | null][];
  /** This record's own timestamp (default: the batch's). */
  timestamp?: number;
}

export interface BatchOptions {
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  timestamp?: number;
  /** Wrap the records in an LZ4 frame (codec 3), stored uncompressed inside it. */
  lz4?: boolean;
}

const encodeRecord = (r: RawRecord, offsetDelta: number, timestampDelta: number): Buffer => {
  const body = new Writer().int8(0).varint(timestampDelta).varint(offsetDelta);
  const bytes = (b: Buffer | null) => (b === null ? body.varint(-1) : body.varint(b.length).raw(b));
  bytes(r.key);
  bytes(r.value);
  body.varint(r.headers?.length ?? 0);
  for (const [k, v] of r.headers ?? []) {
    const kb = Buffer.from(k);
    body.varint(kb.length).raw(kb);
    bytes(v);
  }
  const b = body.toBuffer();
  return new Writer().varint(b.length).raw(b).toBuffer();
};

const PRIME1 = 2654435761;
const PRIME2 = 2246822519;
const PRIME3 = 3266489917;
const PRIME5 = 374761393;
const rotl = (x: number, r: number) => ((x << r) | (x >>> (32 - r))) >>> 0;

/** xxHash32 (seed 0) of fewer than 16 bytes: all an LZ4 frame descriptor checksum needs. */
const xxh32Short = (b: Buffer): number => {
  let h = (PRIME5 + b.length) >>> 0;
  let i = 0;
  for (; i + 4 <= b.length; i += 4) h = Math.imul(rotl((h + Math.imul(b.readUInt32LE(i), PRIME3)) >>> 0, 17), 668265263) >>> 0;
  for (; i < b.length; i++) h = Math.imul(rotl((h + Math.imul(b[i]!, PRIME5)) >>> 0, 11), PRIME1) >>> 0;
  h = Math.imul(h ^ (h >>> 15), PRIME2) >>> 0;
  h = Math.imul(h ^ (h >>> 13), PRIME3) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
};

/**
 * An LZ4 frame holding `data` in one uncompressed block (the format allows it): a valid LZ4 batch
 * for any Kafka decoder, built without an LZ4 compressor.
 */
export const lz4Frame = (data: Buffer): Buffer => {
  const descriptor = Buffer.from([0x60, 0x40]); // version 1, independent blocks; 64 KB max block
  const header = Buffer.alloc(4);
  header.writeUInt32LE(0x184d2204);
  const size = Buffer.alloc(4);
  size.writeUInt32LE((data.length | 0x80000000) >>> 0); // high bit: stored uncompressed
  return Buffer.concat([header, descriptor, Buffer.from([(xxh32Short(descriptor) >>> 8) & 0xff]), size, data, Buffer.alloc(4)]);
};

/** A magic-2 record batch, as a producer would send it (uncompressed, or in an LZ4 frame). */
export const buildBatch = (records: RawRecord[], o: BatchOptions = {}): Buffer => {
  const ts = o.timestamp ?? Date.now();
  const stamps = records.map((r) => r.timestamp ?? ts);
  const first = Math.min(...stamps);
  const w = new Writer()
    .int64(0)
    .int32(0) // batchLength, patched below
    .int32(-1)
    .int8(2)
    .int32(0) // crc, patched below
    .int16(o.lz4 ? 3 : 0)
    .int32(records.length - 1)
    .int64(first)
    .int64(Math.max(...stamps))
    .int64(o.producerId ?? -1)
    .int16(o.producerEpoch ?? -1)
    .int32(o.baseSequence ?? -1)
    .int32(records.length);
  const body = Buffer.concat(records.map((r, i) => encodeRecord(r, i, stamps[i]! - first)));
  w.raw(o.lz4 ? lz4Frame(body) : body);
  const b = Buffer.from(w.toBuffer());
  b.writeInt32BE(b.length - 12, 8);
  b.writeUInt32BE(crc32c(b, 21), 17);
  return b;
};
