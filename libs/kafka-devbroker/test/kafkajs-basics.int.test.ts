import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { describeEachBroker } from './helpers/broker-under-test';
import { createTopics, defaultPartitioner, kafkaFor, waitFor } from './helpers/kafkajs-client';

describeEachBroker('kafkajs producer, consumer group and admin', (suite) => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    kafka = kafkaFor(suite.broker);
    admin = kafka.admin();
    producer = kafka.producer(defaultPartitioner);
    await Promise.all([admin.connect(), producer.connect()]);
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect()));
    await Promise.all([admin?.disconnect(), producer?.disconnect()]);
  });

  const newConsumer = (groupId: string): Consumer => {
    const c = kafka.consumer({ groupId, sessionTimeout: 3000, heartbeatInterval: 300, maxWaitTimeInMs: 200, rebalanceTimeout: 5000 });
    consumers.push(c);
    return c;
  };

  // Divergence: the dev broker is node 0, a KRaft Apache Kafka node of the helper is node 1.
  it('describes the cluster: one broker, its own controller', async () => {
    const { nodeId, port } = suite.broker;
    const cluster = await admin.describeCluster();
    expect(cluster.controller).toBe(nodeId);
    expect(cluster.brokers).toEqual([{ nodeId, host: '127.0.0.1', port }]);
  });

  it('creates topics once, refuses replication factor 3, and deletes them', async () => {
    expect(await createTopics(admin, [{ topic: 'created', numPartitions: 3 }])).toBe(true);
    expect(await createTopics(admin, [{ topic: 'created', numPartitions: 3 }])).toBe(false);
    await expect(createTopics(admin, [{ topic: 'rf3', replicationFactor: 3 }])).rejects.toMatchObject({
      errors: [expect.objectContaining({ type: 'INVALID_REPLICATION_FACTOR' })],
    });
    const meta = await admin.fetchTopicMetadata({ topics: ['created'] });
    expect(meta.topics[0]?.partitions).toHaveLength(3);
    await admin.deleteTopics({ topics: ['created'] });
    expect(await admin.listTopics()).not.toContain('created');
  });

  it('produces, reports offsets and consumes in a group with committed offsets', async () => {
    await createTopics(admin, [{ topic: 'orders', numPartitions: 3 }]);
    const messages = Array.from({ length: 60 }, (_, i) => ({ key: `k${i % 7}`, value: `v${i}`, headers: { h: `x${i}` } }));
    await producer.send({ topic: 'orders', messages });
    const offsets = await admin.fetchTopicOffsets('orders');
    expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(60);
    expect(offsets.every((p) => p.low === '0')).toBe(true);

    const consumer = newConsumer('g-orders');
    await consumer.connect();
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(`${message.key}:${message.value}:${message.headers?.h}`) });
    await waitFor(() => seen.length === 60, 15_000, '60 messages');
    expect(seen.sort()).toEqual(messages.map((m) => `${m.key}:${m.value}:${m.headers.h}`).sort());
    await consumer.disconnect();

    const committed = await admin.fetchOffsets({ groupId: 'g-orders', topics: ['orders'] });
    expect(committed[0]?.partitions.reduce((n, p) => n + Number(p.offset), 0)).toBe(60);
    const [group] = (await admin.describeGroups(['g-orders'])).groups;
    expect(group?.state).toBe('Empty');
  });

  it('resetOffsets to earliest makes a fromBeginning consumer replay everything', async () => {
    await createTopics(admin, [{ topic: 'replay', numPartitions: 2 }]);
    await producer.send({ topic: 'replay', messages: Array.from({ length: 10 }, (_, i) => ({ key: `${i}`, value: `${i}` })) });
    const first = newConsumer('g-replay');
    await first.connect();
    await first.subscribe({ topic: 'replay', fromBeginning: true });
    let n = 0;
    await first.run({ eachMessage: async () => void n++ });
    await waitFor(() => n === 10, 15_000, 'first pass');
    await first.disconnect();

    await admin.resetOffsets({ groupId: 'g-replay', topic: 'replay', earliest: true });
    const again = newConsumer('g-replay');
    await again.connect();
    await again.subscribe({ topic: 'replay', fromBeginning: true });
    let m = 0;
    await again.run({ eachMessage: async () => void m++ });
    await waitFor(() => m === 10, 15_000, 'replay');
    await again.disconnect();
  });
});
