import type { Broker } from '../broker';
import { ErrorCode } from '../protocol/error-codes';
import type { Reader } from '../protocol/reader';
import { Writer } from '../protocol/writer';
import type { StoredBatch } from '../log/partition-log';
import type { ApiHandler } from './api-handler';

interface FetchPartition {
  partition: number;
  fetchOffset: number;
  maxBytes: number;
}

interface FetchRequest {
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  topics: { topic: string; partitions: FetchPartition[] }[];
}

interface PartitionData {
  partition: number;
  error: number;
  highWatermark: number;
  logStartOffset: number;
  batches: StoredBatch[];
}

const decode = (r: Reader, v: number): FetchRequest => {
  r.int32(); // replica_id
  const maxWaitMs = r.int32();
  const minBytes = r.int32();
  const maxBytes = r.int32();
  r.int8(); // isolation_level: no transactions, so LSO = HWM
  if (v >= 7) {
    r.int32(); // session_id: clients send 0 / epoch -1 (no fetch sessions)
    r.int32();
  }
  const topics = r.array((x) => ({
    topic: x.string(),
    partitions: x.array((y) => {
      const partition = y.int32();
      if (v >= 9) y.int32(); // current_leader_epoch
      const fetchOffset = y.int64();
      if (v >= 5) y.int64(); // log_start_offset (followers only)
      return { partition, fetchOffset, maxBytes: y.int32() };
    }),
  }));
  if (v >= 7) r.array((x) => [x.string(), x.array((y) => y.int32())]);
  if (v >= 11) r.string(); // rack_id
  return { maxWaitMs, minBytes, maxBytes, topics };
};

/** Reads every requested partition once; returns the data and its total size. */
const collect = (broker: Broker, req: FetchRequest): { topics: { topic: string; partitions: PartitionData[] }[]; bytes: number } => {
  let budget = req.maxBytes;
  let bytes = 0;
  const topics = req.topics.map((t) => ({
    topic: t.topic,
    partitions: t.partitions.map((p): PartitionData => {
      const log = broker.topics.partition(t.topic, p.partition);
      if (!log) return { partition: p.partition, error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, highWatermark: -1, logStartOffset: -1, batches: [] };
      const base = { partition: p.partition, highWatermark: log.highWatermark, logStartOffset: log.logStartOffset };
      if (p.fetchOffset < log.logStartOffset || p.fetchOffset > log.highWatermark) return { ...base, error: ErrorCode.OFFSET_OUT_OF_RANGE, batches: [] };
      // KIP-74: the first batch of the response goes out even if it exceeds the limits.
      const batches = p.fetchOffset === log.highWatermark ? [] : log.read(p.fetchOffset, Math.min(p.maxBytes, Math.max(budget, 0)), bytes > 0);
      const size = batches.reduce((n, b) => n + b.bytes.length, 0);
      budget -= size;
      bytes += size;
      return { ...base, error: ErrorCode.NONE, batches };
    }),
  }));
  return { topics, bytes };
};

const encode = (v: number, topics: { topic: string; partitions: PartitionData[] }[], bytes: number): Writer => {
  const w = new Writer(bytes + 256);
  w.int32(0); // throttle
  if (v >= 7) w.int16(ErrorCode.NONE).int32(0); // error, session_id
  w.array(topics, (w2, t) =>
    w2.string(t.topic).array(t.partitions, (w3, p) => {
      w3.int32(p.partition).int16(p.error).int64(p.highWatermark).int64(p.highWatermark); // last_stable_offset = HWM
      if (v >= 5) w3.int64(p.logStartOffset);
      w3.int32(-1); // aborted_transactions: null
      if (v >= 11) w3.int32(-1); // preferred_read_replica
      w3.int32(p.batches.reduce((n, b) => n + b.bytes.length, 0));
      for (const b of p.batches) w3.raw(b.bytes);
    }),
  );
  return w;
};

/** Fetch (1) v4–11 with long-polling: waits up to max_wait for min_bytes to arrive. */
export const fetchApi: ApiHandler = {
  key: 1,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 11,
  handle({ broker, closed }, r, v) {
    const req = decode(r, v);
    const first = collect(broker, req);
    const hasError = first.topics.some((t) => t.partitions.some((p) => p.error !== ErrorCode.NONE));
    if (first.bytes >= req.minBytes || req.maxWaitMs <= 0 || hasError || closed.aborted) return encode(v, first.topics, first.bytes);
    return new Promise<Writer>((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        unwatch();
        closed.removeEventListener('abort', finish);
        const now = collect(broker, req);
        resolve(encode(v, now.topics, now.bytes));
      };
      const wake = () => {
        if (done) return;
        const now = collect(broker, req);
        const err = now.topics.some((t) => t.partitions.some((p) => p.error !== ErrorCode.NONE));
        if (now.bytes >= req.minBytes || err) finish();
      };
      const timer = setTimeout(finish, req.maxWaitMs);
      const unwatch = broker.notifier.watch(
        req.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition }))),
        wake,
      );
      closed.addEventListener('abort', finish);
    });
  },
};
