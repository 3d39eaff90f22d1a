import type { BrokerConfig } from './config';
import { GroupCoordinator } from './group/coordinator';
import { OffsetStore } from './group/offset-store';
import { AppendNotifier } from './log/append-notifier';
import { TopicStore, type Topic } from './log/topic-store';
import { IdempotenceTracker } from './producer/idempotence';
import { ProducerIdAllocator } from './producer/producer-ids';

export const NODE_ID = 0;

/** The broker's state shared by every connection: topics, groups, offsets, producers. */
export class Broker {
  readonly topics: TopicStore;
  readonly notifier = new AppendNotifier();
  readonly offsets: OffsetStore;
  readonly groups: GroupCoordinator;
  readonly idempotence = new IdempotenceTracker();
  readonly producerIds: ProducerIdAllocator;
  /** The port actually listened on (known once the server is bound). */
  port = 0;

  constructor(readonly config: BrokerConfig) {
    this.producerIds = new ProducerIdAllocator(config.dataDir);
    this.topics = new TopicStore({
      dataDir: config.dataDir,
      fsync: config.fsync,
      logger: config.logger,
      onRecoveredBatch: (log, b, h) => {
        if (h.producerId < 0) return;
        this.producerIds.observe(h.producerId);
        this.idempotence.appended(h.producerId, h.producerEpoch, log.topic, log.partition, h.baseSequence, h.recordCount, b.baseOffset);
      },
    });
    this.offsets = new OffsetStore(config.dataDir);
    this.groups = new GroupCoordinator({
      minSessionTimeoutMs: config.minSessionTimeoutMs,
      maxSessionTimeoutMs: config.maxSessionTimeoutMs,
      logger: config.logger,
      offsets: this.offsets,
    });
  }

  load(): void {
    this.producerIds.load();
    this.topics.load();
    this.offsets.load();
  }

  createTopic(name: string, partitions: number): Topic {
    const t = this.topics.create(name, partitions);
    this.config.logger.info({ topic: name, partitions }, 'topic created');
    return t;
  }

  deleteTopic(name: string): boolean {
    if (!this.topics.delete(name)) return false;
    this.offsets.deleteTopic(name);
    this.idempotence.forgetTopic(name);
    this.notifier.topicDeleted(name);
    this.config.logger.info({ topic: name }, 'topic deleted');
    return true;
  }

  close(): void {
    this.groups.close();
    this.topics.close();
  }
}
