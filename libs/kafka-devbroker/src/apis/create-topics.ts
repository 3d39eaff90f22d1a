import { isLegalTopicName } from '../log/topic-store';
import { ErrorCode } from '../protocol/error-codes';
import { Writer } from '../protocol/writer';
import type { ApiHandler } from './api-handler';

/** CreateTopics (19) v0–3. Single node: replication factor above 1 is refused, as Kafka would. */
export const createTopicsApi: ApiHandler = {
  key: 19,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 3,
  handle({ broker }, r, v) {
    const topics = r.array((x) => {
      const name = x.string();
      const numPartitions = x.int32();
      const replicationFactor = x.int16();
      const assignments = x.array((y) => ({ partition: y.int32(), brokers: y.array((z) => z.int32()) }));
      x.array((y) => ({ name: y.string(), value: y.nullableString() })); // configs: accepted, ignored
      return { name, numPartitions, replicationFactor, assignments };
    });
    r.int32(); // timeout_ms
    const validateOnly = v >= 1 ? r.bool() : false;
    const results = topics.map((t) => {
      const partitions = t.assignments.length > 0 ? t.assignments.length : t.numPartitions === -1 ? broker.config.defaultPartitions : t.numPartitions;
      const result = (error: number, message: string | null = null) => ({ name: t.name, error, message });
      if (!isLegalTopicName(t.name)) return result(ErrorCode.INVALID_TOPIC_EXCEPTION, `illegal topic name '${t.name}'`);
      if (broker.topics.get(t.name)) return result(ErrorCode.TOPIC_ALREADY_EXISTS, `topic '${t.name}' already exists`);
      if (partitions < 1) return result(ErrorCode.INVALID_PARTITIONS, 'number of partitions must be at least 1');
      if (t.replicationFactor > 1) return result(ErrorCode.INVALID_REPLICATION_FACTOR, 'replication factor larger than available brokers: 1');
      if (!validateOnly) broker.createTopic(t.name, partitions);
      return result(ErrorCode.NONE);
    });
    const w = new Writer(128);
    if (v >= 2) w.int32(0);
    return w.array(results, (w2, t) => {
      w2.string(t.name).int16(t.error);
      if (v >= 1) w2.nullableString(t.message);
    });
  },
};
