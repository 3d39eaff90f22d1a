import { Kafka, logLevel } from 'kafkajs';
import { testKafka } from '../../testing/src/kafka';

describe('testKafka() from @bp/testing', () => {
  const saved = { brokers: process.env.KAFKA_BROKERS, tc: process.env.TESTCONTAINERS };
  afterEach(() => {
    process.env.KAFKA_BROKERS = saved.brokers;
    process.env.TESTCONTAINERS = saved.tc;
    if (saved.brokers === undefined) delete process.env.KAFKA_BROKERS;
    if (saved.tc === undefined) delete process.env.TESTCONTAINERS;
  });

  it('uses KAFKA_BROKERS when set', async () => {
    process.env.KAFKA_BROKERS = 'a:1, b:2';
    const k = await testKafka();
    expect(k).toMatchObject({ brokers: ['a:1', 'b:2'], source: 'env' });
    await k.stop();
  });

  it('falls back to the in-process dev broker on a free port', async () => {
    delete process.env.KAFKA_BROKERS;
    process.env.TESTCONTAINERS = 'off';
    const k = await testKafka();
    expect(k.source).toBe('devbroker');
    const admin = new Kafka({ brokers: k.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    expect((await admin.describeCluster()).brokers).toHaveLength(1);
    await admin.disconnect();
    await k.stop();
  });
});
