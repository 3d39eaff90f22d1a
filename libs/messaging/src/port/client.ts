import type { OutgoingMessage, TopicMessages, WireMessage } from './message';

/**
 * The port between our messaging code and a Kafka client library: only what the relay, the consumer
 * runner, the ops commands, the runtime and the test harness use. kafkajs implements it today
 * (../kafkajs/); another client (issue 16 item 1) implements it without touching its users.
 */
export interface KafkaClient {
  /**
   * A producer. Keys are partitioned as the Java client does (murmur2 of the key bytes, modulo the
   * partition count), so partners' producers and ours put one order's events on one partition.
   */
  producer(options?: ProducerOptions): MessageProducer;
  /** A member of consumer group `groupId`. */
  consumer(groupId: string, tuning?: ConsumerTuning): MessageConsumer;
  admin(): MessageAdmin;
}

export interface ProducerOptions {
  /** 1 keeps a retried request from overtaking the next one (per-partition order under retries). */
  maxInFlightRequests?: number;
  /** Whether a send to a missing topic may create it with the cluster's defaults. */
  allowAutoTopicCreation?: boolean;
}

/**
 * Every send waits for all in-sync replicas (acks=-1, "all"): an acknowledged event is never lost
 * to a leader change. No other level is offered because nothing of ours may lose a record.
 */
export type AllReplicas = -1;

export interface MessageProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  send(record: { topic: string; messages: OutgoingMessage[]; acks: AllReplicas }): Promise<void>;
  /** Several topics' messages in one go; each topic keeps the order of its list. */
  sendBatch(batch: { topicMessages: TopicMessages[]; acks: AllReplicas }): Promise<void>;
}

/** Group membership timings (tests shorten them; production keeps the library's defaults). */
export interface ConsumerTuning {
  sessionTimeout?: number;
  heartbeatInterval?: number;
  rebalanceTimeout?: number;
  /** The broker's long-poll wait for a fetch with nothing new. */
  maxWaitTimeInMs?: number;
  allowAutoTopicCreation?: boolean;
}

export interface MessageConsumer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** A new group starts at each partition's beginning when `fromBeginning`, else at its end. */
  subscribe(subscription: { topics: string[]; fromBeginning: boolean }): Promise<void>;
  /** Starts fetching in the background (resolves once running); batches go to `eachBatch`. */
  run(options: RunOptions): Promise<void>;
  /**
   * The consumer failed on an error; `restarting` says whether the client restarts it itself (when
   * false it has stopped for good: nothing more is delivered).
   */
  onCrash(listener: (error: Error, restarting: boolean) => void): void;
  /** Signs of life: a heartbeat answered, a fetch done, the group joined. */
  onAlive(listener: () => void): void;
  /** Membership: true once the group is joined (partitions assigned), false when a rebalance begins or the member stops or crashes. */
  onMembership(listener: (member: boolean) => void): void;
}

export interface RunOptions {
  /**
   * One partition's batch at a time per partition, in offset order. A throw re-delivers the batch
   * from its first unresolved offset, after a back-off.
   */
  eachBatch(context: BatchContext): Promise<void>;
  /** true (default): every offset of a batch is resolved when eachBatch returns without throwing. */
  eachBatchAutoResolve?: boolean;
  /** false: resolved offsets are never committed (a read-only pass). Default true. */
  autoCommit?: boolean;
  /** Commit resolved offsets at least this often (ms), also inside a long batch. */
  autoCommitInterval?: number;
  /** How many partitions' batches may be in eachBatch at once (default 1). */
  partitionsConsumedConcurrently?: number;
}

export interface ConsumedBatch {
  topic: string;
  partition: number;
  messages: WireMessage[];
  /** Offset of the batch's last record. */
  lastOffset(): string;
}

export interface BatchContext {
  batch: ConsumedBatch;
  /** Marks `offset` done: a commit will store the next one. */
  resolveOffset(offset: string): void;
  /** Tells the group coordinator this member is alive (needed inside long batches). */
  heartbeat(): Promise<void>;
  /** Commits what is resolved if the commit interval has passed. */
  commitOffsetsIfNecessary(): Promise<void>;
  /** false once the consumer is stopping. */
  isRunning(): boolean;
  /** true once a rebalance took this partition away: stop, someone else resumes. */
  isStale(): boolean;
}

export interface PartitionOffset {
  partition: number;
  offset: string;
}

/**
 * Cluster administration, only what we need. A call that fails for some topics rejects with an
 * error whose `errors` list holds each failure's Kafka error name as `type`
 * (e.g. TOPIC_ALREADY_EXISTS, TOPIC_AUTHORIZATION_FAILED).
 */
export interface MessageAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  listTopics(): Promise<string[]>;
  /** Partition count and replication are the cluster's defaults; `waitForLeaders` waits for elections. */
  createTopics(options: { topics: { topic: string }[]; waitForLeaders: boolean }): Promise<boolean>;
  fetchTopicMetadata(options: { topics: string[] }): Promise<{ topics: { name: string; partitions: { partitionId: number; leader: number }[] }[] }>;
  /** A group's committed offsets per partition ("-1": nothing committed there). */
  fetchOffsets(options: { groupId: string; topics?: string[] }): Promise<{ topic: string; partitions: PartitionOffset[] }[]>;
  /** Each partition's log start (low) and end (high, the next offset to be written). */
  fetchTopicOffsets(topic: string): Promise<(PartitionOffset & { low: string; high: string })[]>;
  /** Per partition, the first offset whose timestamp is at or after `timestamp` (epoch ms). */
  fetchTopicOffsetsByTimestamp(topic: string, timestamp: number): Promise<PartitionOffset[]>;
  /** Commits these offsets for a group with no members. */
  setOffsets(options: { groupId: string; topic: string; partitions: PartitionOffset[] }): Promise<void>;
  describeGroups(groupIds: string[]): Promise<{ groups: { groupId: string; state: string; members: unknown[] }[] }>;
  deleteGroups(groupIds: string[]): Promise<unknown>;
}
