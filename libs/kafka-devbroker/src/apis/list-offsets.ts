import { ErrorCode } from '../protocol/error-codes';
import { Writer } from '../protocol/writer';
import type { ApiHandler } from './api-handler';

const LATEST = -1;
const EARLIEST = -2;

/** ListOffsets (2) v1–3: latest (HWM), earliest (log start) or by timestamp. */
export const listOffsetsApi: ApiHandler = {
  key: 2,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 3,
  handle({ broker }, r, v) {
    r.int32(); // replica_id
    if (v >= 2) r.int8(); // isolation_level: LSO = HWM without transactions
    const topics = r.array((x) => ({ name: x.string(), partitions: x.array((y) => ({ index: y.int32(), timestamp: y.int64() })) }));
    const w = new Writer(128);
    if (v >= 2) w.int32(0);
    w.array(topics, (w2, t) =>
      w2.string(t.name).array(t.partitions, (w3, p) => {
        const log = broker.topics.partition(t.name, p.index);
        if (!log) {
          w3.int32(p.index).int16(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).int64(-1).int64(-1);
          return;
        }
        let offset: number;
        let timestamp = -1; // Kafka reports -1 for the earliest/latest sentinels
        if (p.timestamp === LATEST) offset = log.highWatermark;
        else if (p.timestamp === EARLIEST) offset = log.logStartOffset;
        else {
          // The found record's own timestamp, as Kafka does; no such record -> -1/-1.
          const found = log.recordForTimestamp(p.timestamp);
          offset = found?.offset ?? -1;
          timestamp = found?.timestamp ?? -1;
        }
        w3.int32(p.index).int16(ErrorCode.NONE).int64(timestamp).int64(offset);
      }),
    );
    return w;
  },
};
