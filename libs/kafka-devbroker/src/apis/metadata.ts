import { NODE_ID } from '../broker';
import { isLegalTopicName } from '../log/topic-store';
import { ErrorCode } from '../protocol/error-codes';
import { Writer } from '../protocol/writer';
import type { ApiHandler } from './api-handler';

interface TopicMetadata {
  error: number;
  name: string;
  partitions: number;
}

/** Metadata (3) v1–6: one broker (node 0), which is also the controller and every leader. */
export const metadataApi: ApiHandler = {
  key: 3,
  name: 'Metadata',
  minVersion: 1,
  maxVersion: 6,
  handle({ broker }, r, v) {
    const requested = r.nullableArray((x) => x.string());
    const allowAutoCreate = v >= 4 ? r.bool() : true;
    const cfg = broker.config;
    let topics: TopicMetadata[];
    if (requested === null) {
      topics = broker.topics.all().map((t) => ({ error: ErrorCode.NONE, name: t.name, partitions: t.partitions.length }));
    } else {
      topics = requested.map((name) => {
        const t = broker.topics.get(name);
        if (t) return { error: ErrorCode.NONE, name, partitions: t.partitions.length };
        if (!isLegalTopicName(name)) return { error: ErrorCode.INVALID_TOPIC_EXCEPTION, name, partitions: 0 };
        if (allowAutoCreate && cfg.autoCreateTopics) {
          broker.createTopic(name, cfg.defaultPartitions);
          return { error: ErrorCode.NONE, name, partitions: cfg.defaultPartitions };
        }
        return { error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, partitions: 0 };
      });
    }
    const w = new Writer(256);
    if (v >= 3) w.int32(0);
    w.array([NODE_ID], (w2, id) => w2.int32(id).string(cfg.advertisedHost).int32(broker.port).nullableString(null));
    if (v >= 2) w.nullableString(cfg.clusterId);
    w.int32(NODE_ID); // controller: kafkajs sends CreateTopics/InitProducerId there
    w.array(topics, (w2, t) => {
      w2.int16(t.error).string(t.name).bool(false);
      w2.array(
        Array.from({ length: t.partitions }, (_, i) => i),
        (w3, p) => {
          w3.int16(ErrorCode.NONE).int32(p).int32(NODE_ID);
          w3.array([NODE_ID], (w4, n) => w4.int32(n));
          w3.array([NODE_ID], (w4, n) => w4.int32(n));
          if (v >= 5) w3.array([], () => {});
        },
      );
    });
    return w;
  },
};
