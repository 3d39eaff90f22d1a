import { Kafka, logLevel } from 'kafkajs';
import { testKafka } from '../../testing/src/kafka';

describe('testKafka() from @bp/testing', () => {
  const saved = { KAFKA_BROKERS: process.env.KAFKA_BROKERS, TESTCONTAINERS: process.env.TESTCONTAINERS, BP_KAFKA: process.env.BP_KAFKA };
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('uses KAFKA_BROKERS when set', async () => {
    process.env.KAFKA_BROKERS = 'a:1, b:2';
    const k = await testKafka();
    expect(k).toMatchObject({ brokers: ['a:1', 'b:2'], source: 'env' });
    await k.stop();
  });

  // The run's choice (BP_KAFKA, set by jest's global setup) is Apache Kafka wherever Java is: asked for the dev broker here.
  it('BP_KAFKA=devbroker: the in-process dev broker on a free port', async () => {
    delete process.env.KAFKA_BROKERS;
    process.env.TESTCONTAINERS = 'off';
    process.env.BP_KAFKA = 'devbroker';
    const k = await testKafka();
    try {
      expect(k.source).toBe('devbroker');
      const admin = new Kafka({ brokers: k.brokers, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      expect((await admin.describeCluster()).brokers).toHaveLength(1);
      await admin.disconnect();
    } finally {
      await k.stop(); // whatever it started (a failed check once left an Apache Kafka JVM behind)
    }
  });
});
