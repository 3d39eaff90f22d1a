import { crc32c } from '../src/protocol/crc32c';
import { ErrorCode } from '../src/protocol/error-codes';
import { DecodeError, Reader } from '../src/protocol/reader';
import { checkProducedBatch, firstRecordAtOrAfter, patchBatch, readBaseOffset, batchIntact } from '../src/protocol/record-batch';
import { Writer } from '../src/protocol/writer';
import { buildBatch } from './helpers/batch-builder';

describe('CRC-32C', () => {
  it('has the Castagnoli check value e3069283 (not IEEE cbf43926)', () => {
    expect(crc32c(Buffer.from('123456789')).toString(16)).toBe('e3069283');
  });
  it('is 0 for empty input', () => {
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });
});

describe('primitives', () => {
  it.each([0, 1, -1, 63, -64, 64, 300, -300, 2 ** 31 - 1, -(2 ** 31), 2 ** 40])('zigzag varint round-trips %d', (n) => {
    expect(new Reader(new Writer().varint(n).toBuffer()).varint()).toBe(n);
  });
  it('round-trips strings, nullables, bytes, arrays and int64', () => {
    const w = new Writer()
      .string('héllo')
      .nullableString(null)
      .bytes(Buffer.from([1, 2]))
      .nullableBytes(null)
      .int64(2 ** 50)
      .nullableArray(null, () => {})
      .array([1, 2, 3], (x, v) => x.int32(v));
    const r = new Reader(w.toBuffer());
    expect([r.string(), r.nullableString(), [...r.bytes()], r.nullableBytes(), r.int64(), r.nullableArray((x) => x.int8()), r.array((x) => x.int32())]).toEqual(
      ['héllo', null, [1, 2], null, 2 ** 50, null, [1, 2, 3]],
    );
    expect(r.remaining).toBe(0);
  });
  it('round-trips compact strings, arrays and skips unknown tagged fields', () => {
    const w = new Writer()
      .compactString('abc')
      .uvarint(0)
      .compactArray([7, 8], (x, v) => x.int16(v))
      .uvarint(2)
      .uvarint(1)
      .uvarint(2)
      .raw(Buffer.from([9, 9]))
      .uvarint(5)
      .uvarint(0)
      .int8(42);
    const r = new Reader(w.toBuffer());
    expect(r.compactNullableString()).toBe('abc');
    expect(r.compactNullableString()).toBeNull();
    expect(r.compactArray((x) => x.int16())).toEqual([7, 8]);
    r.taggedFields();
    expect(r.int8()).toBe(42);
  });
  it('keeps every write when the buffer grows mid-stream', () => {
    const w = new Writer(3);
    for (let i = 0; i < 100; i++) w.int16(i).string(`s${i}`).int64(i);
    const r = new Reader(w.toBuffer());
    for (let i = 0; i < 100; i++) expect([r.int16(), r.string(), r.int64()]).toEqual([i, `s${i}`, i]);
  });
  it('throws DecodeError on truncated input', () => {
    expect(() => new Reader(Buffer.from([0, 5, 65])).string()).toThrow(DecodeError);
    expect(() => new Reader(Buffer.from([0, 0, 0, 9])).array((x) => x.int32())).toThrow(DecodeError);
  });
});

describe('record batch', () => {
  const batch = () =>
    buildBatch(
      [
        { key: Buffer.from('k'), value: null, headers: [['h', Buffer.from('v')]] },
        { key: null, value: Buffer.from('x') },
      ],
      { timestamp: 1000 },
    );

  it('accepts a well-formed batch and reads its header', () => {
    const c = checkProducedBatch(batch(), 1 << 20);
    expect(c).toMatchObject({ ok: true, header: { recordCount: 2, lastOffsetDelta: 1, producerId: -1, maxTimestamp: 1000 } });
  });
  it('refuses bad CRC, wrong magic, trailing bytes and oversize batches', () => {
    const crc = batch();
    crc.writeUInt8(crc.readUInt8(crc.length - 1) ^ 1, crc.length - 1);
    expect(checkProducedBatch(crc, 1 << 20)).toMatchObject({ ok: false, error: ErrorCode.CORRUPT_MESSAGE });
    const magic = batch();
    magic[16] = 1;
    expect(checkProducedBatch(magic, 1 << 20)).toMatchObject({ ok: false, error: ErrorCode.CORRUPT_MESSAGE });
    expect(checkProducedBatch(Buffer.concat([batch(), batch()]), 1 << 20)).toMatchObject({ ok: false, error: ErrorCode.CORRUPT_MESSAGE });
    expect(checkProducedBatch(batch(), 10)).toMatchObject({ ok: false, error: ErrorCode.MESSAGE_TOO_LARGE });
    expect(checkProducedBatch(null, 1 << 20)).toMatchObject({ ok: false, error: ErrorCode.CORRUPT_MESSAGE });
  });
  it('patches base offset and epoch without breaking the CRC', () => {
    const b = batch();
    patchBatch(b, 12345, 0);
    expect(readBaseOffset(b)).toBe(12345);
    expect(batchIntact(b)).toBe(true);
  });
  it('finds the first record at or after a timestamp', () => {
    expect(firstRecordAtOrAfter(batch(), 999)).toEqual({ offsetDelta: 0, timestamp: 1000 });
    expect(firstRecordAtOrAfter(batch(), 1001)).toBeNull();
  });
});
