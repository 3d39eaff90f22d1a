import type { Broker } from '../broker';
import { isLegalTopicName } from '../log/topic-store';
import { ErrorCode } from '../protocol/error-codes';
import { checkProducedBatch } from '../protocol/record-batch';
import { Writer } from '../protocol/writer';
import type { ApiHandler } from './api-handler';

interface PartitionResult {
  index: number;
  error: number;
  baseOffset: number;
  logStartOffset: number;
}

/**
 * Appends one partition's batch, applying idempotent-producer sequence checks. `appended` is set
 * only when new records went into the log (the fault hook fires on those alone).
 */
const appendPartition = (broker: Broker, topic: string, index: number, records: Buffer | null): PartitionResult & { appended?: true } => {
  const fail = (error: number): PartitionResult => ({ index, error, baseOffset: -1, logStartOffset: -1 });
  let log = broker.topics.partition(topic, index);
  if (!log && !broker.topics.get(topic) && broker.config.autoCreateTopics && isLegalTopicName(topic)) {
    log = broker.createTopic(topic, broker.config.defaultPartitions).partitions[index];
  }
  if (!log) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const check = checkProducedBatch(records, broker.config.maxMessageBytes);
  if (!check.ok) {
    broker.config.logger.warn({ topic, partition: index, reason: check.reason, error: check.error }, 'produce refused');
    return fail(check.error);
  }
  const h = check.header;
  if (h.producerId >= 0) {
    const seq = broker.idempotence.check(h.producerId, h.producerEpoch, topic, index, h.baseSequence, h.recordCount);
    if (seq.kind === 'error') return fail(seq.error);
    if (seq.kind === 'duplicate') return { index, error: ErrorCode.NONE, baseOffset: seq.baseOffset, logStartOffset: log.logStartOffset };
  }
  // Copy: `records` is a view into the request frame, which must not be retained.
  const baseOffset = log.append(Buffer.from(records!), h);
  if (h.producerId >= 0) broker.idempotence.appended(h.producerId, h.producerEpoch, topic, index, h.baseSequence, h.recordCount, baseOffset);
  broker.notifier.appended(topic, index);
  return { index, error: ErrorCode.NONE, baseOffset, logStartOffset: log.logStartOffset, appended: true };
};

/**
 * Produce (0), advertised v0–7. acks=0 gets no response at all.
 *
 * v0–2 carry only the old message sets (magic 0/1), which this broker does not store: every
 * partition of such a request gets UNSUPPORTED_FOR_MESSAGE_FORMAT (43). They are advertised all the
 * same because librdkafka ≤ 2.x (kcat) compresses with gzip, snappy or lz4 only when the broker's
 * Produce range reaches down to v0 (`rd_kafka_msgset_writer_select_caps`: Produce ∩ [0, 0]);
 * against a floor of 3 it logs "Broker does not support compression type gzip" and sends the batch
 * uncompressed. Real Kafka 2.x/3.x advertises Produce from v0. Both clients still pick v7.
 */
export const produceApi: ApiHandler = {
  key: 0,
  name: 'Produce',
  minVersion: 0,
  maxVersion: 7,
  handle({ broker, dropConnection }, r, v) {
    const transactionalId = v >= 3 ? r.nullableString() : null;
    const acks = r.int16();
    r.int32(); // timeout: appends are immediate
    const topics = r.array((x) => ({
      name: x.string(),
      partitions: x.array((y) => ({ index: y.int32(), records: y.nullableBytes() })),
    }));
    const invalid =
      v < 3
        ? ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT
        : acks !== 0 && acks !== 1 && acks !== -1
          ? ErrorCode.INVALID_REQUIRED_ACKS
          : transactionalId !== null
            ? ErrorCode.INVALID_RECORD
            : null;
    const results = topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) =>
        invalid !== null ? { index: p.index, error: invalid, baseOffset: -1, logStartOffset: -1 } : appendPartition(broker, t.name, p.index, p.records),
      ),
    }));
    const drop = broker.config.faults.dropConnectionAfterAppend;
    if (drop && results.some((t) => t.partitions.some((p) => 'appended' in p && drop(t.name, p.index)))) {
      broker.config.logger.warn({ faults: 'dropConnectionAfterAppend' }, 'fault injected: closing the connection instead of replying');
      dropConnection();
      return null;
    }
    if (acks === 0) return null;
    const w = new Writer(128);
    w.array(results, (w2, t) =>
      w2.string(t.name).array(t.partitions, (w3, p) => {
        w3.int32(p.index).int16(p.error).int64(p.baseOffset);
        if (v >= 2) w3.int64(-1); // log_append_time
        if (v >= 5) w3.int64(p.logStartOffset);
      }),
    );
    return v >= 1 ? w.int32(0) : w; // throttle_time_ms from v1
  },
};
