import { crc32c } from '../../src/protocol/crc32c';
import { Writer } from '../../src/protocol/writer';

export interface RawRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers?: [string, Buffer | null][];
}

export interface BatchOptions {
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  timestamp?: number;
}

const encodeRecord = (r: RawRecord, offsetDelta: number): Buffer => {
  const body = new Writer().int8(0).varint(0).varint(offsetDelta);
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

/** An uncompressed magic-2 record batch, as a producer would send it. */
export const buildBatch = (records: RawRecord[], o: BatchOptions = {}): Buffer => {
  const ts = o.timestamp ?? Date.now();
  const w = new Writer()
    .int64(0)
    .int32(0) // batchLength, patched below
    .int32(-1)
    .int8(2)
    .int32(0) // crc, patched below
    .int16(0)
    .int32(records.length - 1)
    .int64(ts)
    .int64(ts)
    .int64(o.producerId ?? -1)
    .int16(o.producerEpoch ?? -1)
    .int32(o.baseSequence ?? -1)
    .int32(records.length);
  records.forEach((r, i) => w.raw(encodeRecord(r, i)));
  const b = Buffer.from(w.toBuffer());
  b.writeInt32BE(b.length - 12, 8);
  b.writeUInt32BE(crc32c(b, 21), 17);
  return b;
};
