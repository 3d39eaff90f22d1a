import { type ICustomPartitioner, Partitioners, type Producer } from 'kafkajs';
import type { OutgoingMessage, TopicMessages } from '../port';

/**
 * kafkajs 2.2.4 can acknowledge a send that spans several partitions without having sent all of it.
 * Its retry (src/producer/sendMessages.js) sends only to the brokers that have not answered yet: a
 * partition refused with NOT_LEADER_FOR_PARTITION whose new leader already answered for the other
 * partitions of the request is left out of the retry, and the send resolves as if all were written.
 * Found by the 3-node cluster test (issue 16): an OrderPlaced committed, the relay's checkpoint past
 * it, and nothing on orders.v1. So every request we make targets ONE partition: the messages are
 * placed here with kafkajs's own DefaultPartitioner (Java's murmur2 placement, as before: a key stays
 * on its partition) and each partition's list goes out as one send, in order, the partitions in
 * parallel. A one-partition request has one leader: it is written whole or retried whole.
 */
export interface OnePartitionSends {
  /** The producer's partitioner: kafkajs's default, also noting each topic's partition count. */
  partitioner: ICustomPartitioner;
  /** Sends through `producer`, one request per partition. */
  sendAll(producer: Producer, topicMessages: TopicMessages[]): Promise<void>;
}

export const onePartitionSends = (): OnePartitionSends => {
  const place = Partitioners.DefaultPartitioner();
  /** Partition counts as the producer's own metadata last showed them. */
  const counts = new Map<string, number>();

  const partitioner: ICustomPartitioner = () => (args) => {
    counts.set(args.topic, args.partitionMetadata.length);
    return place(args);
  };

  /** One topic's messages split by partition, each list in the caller's order. */
  const byPartition = (topic: string, n: number, messages: OutgoingMessage[]): OutgoingMessage[][] => {
    const partitionMetadata = Array.from({ length: n }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [], isr: [], partitionErrorCode: 0 }));
    const lists = new Map<number, OutgoingMessage[]>();
    for (const m of messages) {
      const partition = m.partition ?? place({ topic, partitionMetadata, message: { key: m.key ?? null, value: m.value } });
      const list = lists.get(partition) ?? [];
      if (list.length === 0) lists.set(partition, list);
      list.push({ ...m, partition });
    }
    return [...lists.values()];
  };

  const sendTopic = async (producer: Producer, topic: string, messages: OutgoingMessage[]): Promise<void> => {
    let rest = messages;
    if (!counts.has(topic) && rest.length > 0) {
      // The first send to a topic learns its partitions (and may create it): one message is one partition.
      await producer.send({ topic, messages: [rest[0]!], acks: -1 });
      rest = rest.slice(1);
    }
    if (rest.length === 0) return;
    await Promise.all(byPartition(topic, counts.get(topic)!, rest).map((list) => producer.send({ topic, messages: list, acks: -1 })));
  };

  return {
    partitioner,
    sendAll: async (producer, topicMessages) => {
      await Promise.all(topicMessages.map(({ topic, messages }) => sendTopic(producer, topic, messages)));
    },
  };
};
