import type { RunningBroker } from '../src';
import { defaultPartitioner, kafkaFor, startBroker, waitFor } from './helpers/kafkajs-client';

describe('ordering under volume', () => {
  let broker: RunningBroker;
  beforeAll(async () => {
    broker = await startBroker();
  });
  afterAll(() => broker.stop());

  it('keeps per-partition order over 10,000 keyed messages on 4 partitions', async () => {
    const kafka = kafkaFor(broker);
    const admin = kafka.admin();
    const producer = kafka.producer(defaultPartitioner);
    await Promise.all([admin.connect(), producer.connect()]);
    await admin.createTopics({ topics: [{ topic: 'volume', numPartitions: 4 }] });
    const keys = 50;
    for (let chunk = 0; chunk < 10; chunk++) {
      const messages = Array.from({ length: 1000 }, (_, i) => {
        const n = chunk * 1000 + i;
        return { key: `key-${n % keys}`, value: `${n}` };
      });
      await producer.send({ topic: 'volume', messages });
    }
    const consumer = kafka.consumer({ groupId: 'g-volume', maxWaitTimeInMs: 100, maxBytesPerPartition: 64 * 1024 });
    const lastPerKey = new Map<string, number>();
    const partitionOfKey = new Map<string, number>();
    const lastOffset = new Map<number, number>();
    let count = 0;
    let violations = 0;
    await consumer.connect();
    await consumer.subscribe({ topic: 'volume', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const key = message.key!.toString();
        const n = Number(message.value!.toString());
        if ((lastPerKey.get(key) ?? -1) >= n) violations++;
        if ((lastOffset.get(partition) ?? -1) + 1 !== Number(message.offset)) violations++;
        if ((partitionOfKey.get(key) ?? partition) !== partition) violations++;
        lastPerKey.set(key, n);
        lastOffset.set(partition, Number(message.offset));
        partitionOfKey.set(key, partition);
        count++;
      },
    });
    await waitFor(() => count >= 10_000, 30_000, '10,000 messages');
    expect(count).toBe(10_000);
    expect(violations).toBe(0);
    expect(lastOffset.size).toBe(4);
    await consumer.disconnect();
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });
});
