import { ErrorCode } from '../protocol/error-codes';
import { Writer } from '../protocol/writer';
import type { ApiHandler } from './api-handler';

/** OffsetFetch (9) v1–4; v2+ null topics means every committed partition. Unknown → -1. */
export const offsetFetchApi: ApiHandler = {
  key: 9,
  name: 'OffsetFetch',
  minVersion: 1,
  maxVersion: 4,
  handle({ broker }, r, v) {
    const groupId = r.string();
    const requested = r.nullableArray((x) => ({ name: x.string(), partitions: x.array((y) => y.int32()) }));
    let topics: { name: string; partitions: number[] }[];
    if (requested === null && v >= 2) {
      const byTopic = new Map<string, number[]>();
      for (const { topic, partition } of broker.offsets.list(groupId)) byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
      topics = [...byTopic].map(([name, partitions]) => ({ name, partitions }));
    } else topics = requested ?? [];
    const w = new Writer(128);
    if (v >= 3) w.int32(0);
    w.array(topics, (w2, t) =>
      w2.string(t.name).array(t.partitions, (w3, p) => {
        const c = broker.offsets.get(groupId, t.name, p);
        w3.int32(p)
          .int64(c?.offset ?? -1)
          .nullableString(c ? c.metadata : '')
          .int16(ErrorCode.NONE);
      }),
    );
    if (v >= 2) w.int16(ErrorCode.NONE);
    return w;
  },
};
