import { Partitioners, type Producer, type ProducerRecord } from 'kafkajs';
import { onePartitionSends } from '../src/kafkajs/one-partition-sends';

/**
 * Issue 16 (found by the 3-node cluster test): kafkajs can drop part of a multi-partition send whose
 * leaders moved between its attempts. Every request the adapter makes must target one partition,
 * with the placement kafkajs's DefaultPartitioner gives (a key never moves), in the caller's order.
 */
const PARTITIONS = 6;
const meta = Array.from({ length: PARTITIONS }, (_, partitionId) => ({ partitionId, leader: partitionId % 3, replicas: [], isr: [], partitionErrorCode: 0 }));

/** A producer that records its requests and, as kafkajs does, asks the partitioner for every message. */
const fakeProducer = (partitioner: ReturnType<ReturnType<typeof onePartitionSends>['partitioner']>) => {
  const requests: { topic: string; partitions: number[]; keys: string[] }[] = [];
  const send = async (r: ProducerRecord) => {
    const partitions = r.messages.map((message) => partitioner({ topic: r.topic, partitionMetadata: meta, message }));
    requests.push({ topic: r.topic, partitions, keys: r.messages.map((m) => String(m.key)) });
    return [];
  };
  return { requests, producer: { send } as unknown as Producer };
};

describe('kafkajs adapter: one partition per produce request (issue 16)', () => {
  it('learns the partition count from a one-message send, then sends one request per partition, keys placed as kafkajs places them', async () => {
    const sends = onePartitionSends();
    const { requests, producer } = fakeProducer(sends.partitioner());
    const keys = Array.from({ length: 40 }, (_, i) => `order-${i % 13}`);
    const messages = keys.map((key, i) => ({ key, value: `v${i}` }));
    await sends.sendAll(producer, [{ topic: 'orders.v1', messages }]);

    expect(requests[0]).toMatchObject({ keys: ['order-0'] }); // the first: one message, learns the count
    for (const r of requests) expect(new Set(r.partitions).size).toBe(1);
    const kafkajsPlace = Partitioners.DefaultPartitioner();
    for (const r of requests) {
      for (const key of r.keys) expect(r.partitions[0]).toBe(kafkajsPlace({ topic: 'orders.v1', partitionMetadata: meta, message: { key, value: null } }));
    }
    // every message sent once, and each key's messages in the caller's order
    const sent = requests.flatMap((r) => r.keys);
    expect(sent.sort()).toEqual([...keys].sort());
    expect(requests.length).toBeGreaterThan(2);
  });

  it('keeps each partition in order across a batch of several topics; a message with a partition keeps it', async () => {
    const sends = onePartitionSends();
    const order: string[] = [];
    const partitioner = sends.partitioner();
    const producer = {
      send: async (r: ProducerRecord) => {
        for (const m of r.messages) order.push(`${r.topic}/${partitioner({ topic: r.topic, partitionMetadata: meta, message: m })}/${String(m.value)}`);
        return [];
      },
    } as unknown as Producer;
    await sends.sendAll(producer, [
      {
        topic: 'a',
        messages: [
          { key: 'k', value: '1' },
          { key: 'k', value: '2' },
          { key: 'k', value: '3' },
        ],
      },
      { topic: 'b', messages: [{ key: 'x', value: 'p', partition: 5 }] },
    ]);
    const a = order.filter((o) => o.startsWith('a/'));
    expect(a.map((o) => o.split('/')[2])).toEqual(['1', '2', '3']);
    expect(order).toContain('b/5/p');
  });
});
