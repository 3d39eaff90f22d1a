import { gunzipSync } from 'node:zlib';
import { crc32c } from './crc32c';
import { ErrorCode } from './error-codes';
import { Reader } from './reader';

// Byte offsets inside a magic-2 record batch.
export const BATCH_HEADER_SIZE = 61;
const LENGTH_AT = 8;
const EPOCH_AT = 12;
const MAGIC_AT = 16;
const CRC_AT = 17;
const ATTRIBUTES_AT = 21;
const LAST_OFFSET_DELTA_AT = 23;
const FIRST_TIMESTAMP_AT = 27;
const MAX_TIMESTAMP_AT = 35;
const PRODUCER_ID_AT = 43;
const PRODUCER_EPOCH_AT = 51;
const BASE_SEQUENCE_AT = 53;
const RECORDS_COUNT_AT = 57;

const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;
const CODEC_MASK = 0x07;
const GZIP = 1;

/** The fields of a batch header the broker acts on. */
export interface BatchHeader {
  /** Whole batch size in bytes (batchLength + 12). */
  size: number;
  lastOffsetDelta: number;
  recordCount: number;
  attributes: number;
  firstTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
}

export const readBatchHeader = (b: Buffer, at = 0): BatchHeader => ({
  size: b.readInt32BE(at + LENGTH_AT) + 12,
  lastOffsetDelta: b.readInt32BE(at + LAST_OFFSET_DELTA_AT),
  recordCount: b.readInt32BE(at + RECORDS_COUNT_AT),
  attributes: b.readInt16BE(at + ATTRIBUTES_AT),
  firstTimestamp: Number(b.readBigInt64BE(at + FIRST_TIMESTAMP_AT)),
  maxTimestamp: Number(b.readBigInt64BE(at + MAX_TIMESTAMP_AT)),
  producerId: Number(b.readBigInt64BE(at + PRODUCER_ID_AT)),
  producerEpoch: b.readInt16BE(at + PRODUCER_EPOCH_AT),
  baseSequence: b.readInt32BE(at + BASE_SEQUENCE_AT),
});

export const readBaseOffset = (b: Buffer, at = 0): number => Number(b.readBigInt64BE(at));

/** True when the batch at `at` is complete, magic 2, and its CRC-32C matches. */
export const batchIntact = (b: Buffer, at = 0): boolean => {
  if (b.length - at < BATCH_HEADER_SIZE) return false;
  const size = b.readInt32BE(at + LENGTH_AT) + 12;
  if (size < BATCH_HEADER_SIZE || at + size > b.length) return false;
  if (b.readInt8(at + MAGIC_AT) !== 2) return false;
  return b.readUInt32BE(at + CRC_AT) === crc32c(b, at + ATTRIBUTES_AT, at + size);
};

export type BatchCheck = { ok: true; header: BatchHeader } | { ok: false; error: number; reason: string };

/** Validates the single batch a Produce request carries for one partition. */
export const checkProducedBatch = (records: Buffer | null, maxBytes: number): BatchCheck => {
  if (!records || records.length < BATCH_HEADER_SIZE) return { ok: false, error: ErrorCode.CORRUPT_MESSAGE, reason: 'batch shorter than its header' };
  if (records.length > maxBytes) return { ok: false, error: ErrorCode.MESSAGE_TOO_LARGE, reason: `batch of ${records.length} bytes` };
  if (records.readInt8(MAGIC_AT) !== 2) return { ok: false, error: ErrorCode.CORRUPT_MESSAGE, reason: 'magic is not 2' };
  const header = readBatchHeader(records);
  if (header.size !== records.length) return { ok: false, error: ErrorCode.CORRUPT_MESSAGE, reason: 'not exactly one batch' };
  if (!batchIntact(records)) return { ok: false, error: ErrorCode.CORRUPT_MESSAGE, reason: 'CRC-32C mismatch' };
  if ((header.attributes & CODEC_MASK) > 4) return { ok: false, error: ErrorCode.INVALID_RECORD, reason: 'unknown codec' };
  if (header.attributes & (TRANSACTIONAL | CONTROL))
    return { ok: false, error: ErrorCode.INVALID_RECORD, reason: 'transactional/control batches are not supported' };
  if (header.recordCount < 1 || header.lastOffsetDelta !== header.recordCount - 1) {
    return { ok: false, error: ErrorCode.INVALID_RECORD, reason: 'lastOffsetDelta does not match the record count' };
  }
  return { ok: true, header };
};

/** Sets the broker-owned fields; neither is covered by the CRC. */
export const patchBatch = (b: Buffer, baseOffset: number, leaderEpoch = 0): void => {
  b.writeBigInt64BE(BigInt(baseOffset), 0);
  b.writeInt32BE(leaderEpoch, EPOCH_AT);
};

const LOG_APPEND_TIME = 0x08;

/** A record found by timestamp: its offset inside the batch and its own timestamp. */
export interface RecordAt {
  offsetDelta: number;
  timestamp: number;
}

/**
 * The first record with timestamp >= ts, or null. ListOffsets must report that record's own
 * timestamp (not the requested one), so uncompressed and gzip batches are scanned record by
 * record. Snappy/LZ4/zstd have no decoder in Node core: those answer at batch granularity
 * (the first record, whose timestamp is the batch's firstTimestamp).
 */
export const firstRecordAtOrAfter = (batch: Buffer, ts: number): RecordAt | null => {
  const h = readBatchHeader(batch);
  if (h.maxTimestamp < ts) return null;
  // Broker-stamped batches: every record carries the batch's max timestamp.
  if (h.attributes & LOG_APPEND_TIME) return { offsetDelta: 0, timestamp: h.maxTimestamp };
  const codec = h.attributes & CODEC_MASK;
  let records: Buffer;
  if (codec === 0) records = batch.subarray(BATCH_HEADER_SIZE, h.size);
  else if (codec === GZIP) records = gunzipSync(batch.subarray(BATCH_HEADER_SIZE, h.size));
  else return { offsetDelta: 0, timestamp: h.firstTimestamp };
  const r = new Reader(records);
  for (let i = 0; i < h.recordCount && r.remaining > 0; i++) {
    const len = r.varint();
    const end = r.offset + len;
    r.int8(); // record attributes (unused)
    const timestamp = h.firstTimestamp + r.varint();
    const offsetDelta = r.varint();
    if (timestamp >= ts) return { offsetDelta, timestamp };
    r.offset = end;
  }
  return null;
};
