import { Writer } from '../protocol/writer';
import { ErrorCode } from '../protocol/error-codes';
import type { ApiHandler } from './api-handler';

/** OffsetCommit (8) v2–5. Negative offsets are stored verbatim (admin resets commit -1/-2). */
export const offsetCommitApi: ApiHandler = {
  key: 8,
  name: 'OffsetCommit',
  minVersion: 2,
  maxVersion: 5,
  handle({ broker }, r, v) {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    if (v <= 4) r.int64(); // retention_time_ms
    const topics = r.array((x) => ({
      name: x.string(),
      partitions: x.array((y) => ({ index: y.int32(), offset: y.int64(), metadata: y.nullableString() })),
    }));
    const groupError = broker.groups.commitCheck(groupId, generationId, memberId);
    const w = new Writer(128);
    if (v >= 3) w.int32(0);
    return w.array(topics, (w2, t) =>
      w2.string(t.name).array(t.partitions, (w3, p) => {
        let error: number = groupError;
        if (error === ErrorCode.NONE && !broker.topics.partition(t.name, p.index)) error = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        if (error === ErrorCode.NONE) broker.offsets.commit(groupId, t.name, p.index, { offset: p.offset, metadata: p.metadata });
        w3.int32(p.index).int16(error);
      }),
    );
  },
};
