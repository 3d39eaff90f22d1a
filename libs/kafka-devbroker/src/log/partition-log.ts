import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../logger';
import { batchIntact, firstRecordAtOrAfter, patchBatch, readBaseOffset, readBatchHeader, type BatchHeader } from '../protocol/record-batch';

/** A batch as stored: the client's bytes with base offset and leader epoch patched. */
export interface StoredBatch {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  bytes: Buffer;
}

export interface PartitionLogOptions {
  /** Directory of this partition's segment, or null to keep it in memory only. */
  dir: string | null;
  fsync: 'never' | 'always';
  logger: Logger;
}

const SEGMENT = '00000000000000000000.log';

/**
 * One partition: an append-only list of record batches (one segment file in Kafka's on-disk batch
 * format when persistent). Batches stay in memory too: a dev broker's logs are small.
 */
export class PartitionLog {
  readonly batches: StoredBatch[] = [];
  readonly logStartOffset = 0;
  private nextOffset = 0;
  private fd: number | null = null;

  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly options: PartitionLogOptions,
  ) {}

  get highWatermark(): number {
    return this.nextOffset;
  }

  /** Opens (and recovers) the segment; calls `onBatch` for each recovered batch so derived state can be rebuilt. */
  open(onBatch?: (b: StoredBatch, h: BatchHeader) => void): void {
    const { dir } = this.options;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    const file = join(dir, SEGMENT);
    if (existsSync(file)) {
      const data = readFileSync(file);
      let at = 0;
      while (at < data.length && batchIntact(data, at)) {
        const h = readBatchHeader(data, at);
        const bytes = Buffer.from(data.subarray(at, at + h.size));
        const baseOffset = readBaseOffset(bytes);
        if (baseOffset !== this.nextOffset) break; // a gap means the rest cannot be trusted
        const b = { baseOffset, lastOffset: baseOffset + h.lastOffsetDelta, maxTimestamp: h.maxTimestamp, bytes };
        this.batches.push(b);
        this.nextOffset = b.lastOffset + 1;
        onBatch?.(b, h);
        at += h.size;
      }
      if (at < data.length) {
        this.options.logger.warn({ topic: this.topic, partition: this.partition, kept: at, dropped: data.length - at }, 'truncating torn or corrupt log tail');
      }
      this.fd = openSync(file, 'r+');
      ftruncateSync(this.fd, at);
      closeSync(this.fd);
    }
    this.fd = openSync(file, 'a');
  }

  /** Appends a validated batch (taking ownership of `bytes`) and returns its base offset. */
  append(bytes: Buffer, h: BatchHeader): number {
    const baseOffset = this.nextOffset;
    patchBatch(bytes, baseOffset);
    const b = { baseOffset, lastOffset: baseOffset + h.lastOffsetDelta, maxTimestamp: h.maxTimestamp, bytes };
    if (this.fd !== null) {
      writeSync(this.fd, bytes);
      if (this.options.fsync === 'always') fsyncSync(this.fd);
    }
    this.batches.push(b);
    this.nextOffset = b.lastOffset + 1;
    return baseOffset;
  }

  /** Index of the batch that contains `offset` (the first with lastOffset >= offset). */
  private indexOf(offset: number): number {
    let lo = 0;
    let hi = this.batches.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.batches[mid]!.lastOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Whole batches from the one containing `offset`, up to `maxBytes`, but always at least one
   * (KIP-74) unless `strict` is set (the request's overall byte budget is already spent).
   */
  read(offset: number, maxBytes: number, strict = false): StoredBatch[] {
    const out: StoredBatch[] = [];
    let size = 0;
    for (let i = this.indexOf(offset); i < this.batches.length; i++) {
      const b = this.batches[i]!;
      if (size + b.bytes.length > maxBytes && (out.length > 0 || strict)) break;
      out.push(b);
      size += b.bytes.length;
    }
    return out;
  }

  /** Bytes available from `offset` (long-poll min_bytes accounting). */
  bytesFrom(offset: number): number {
    let size = 0;
    for (let i = this.indexOf(offset); i < this.batches.length; i++) size += this.batches[i]!.bytes.length;
    return size;
  }

  /** First record whose timestamp is >= ts: its offset and its own timestamp, or null. */
  recordForTimestamp(ts: number): { offset: number; timestamp: number } | null {
    for (const b of this.batches) {
      if (b.maxTimestamp < ts) continue;
      const found = firstRecordAtOrAfter(b.bytes, ts);
      if (found) return { offset: b.baseOffset + found.offsetDelta, timestamp: found.timestamp };
    }
    return null;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
