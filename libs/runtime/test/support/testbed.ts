import { testDatabase, testKafka, type TestDatabase, type TestKafka } from '@bp/testing';
import pino from 'pino';
import { loadConfig, type StartOptions } from '../../src';

/**
 * A database and a Kafka for tests that start and stop whole services (registered as the file's
 * beforeAll/afterAll), and the start options of one service copy in a schema of its own.
 */
export const serviceTestbed = (name: string) => {
  let db: TestDatabase;
  let kafka: TestKafka;
  const schemas: string[] = [];

  beforeAll(async () => {
    db = await testDatabase(name);
    kafka = await testKafka();
  }, 60_000);

  afterAll(async () => {
    await kafka?.stop();
    for (const s of schemas) await db?.pool.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    await db?.close();
  });

  /** Options for startService: a dispute-service config in schema `<test schema>_<copy>`, its log into `capture`. */
  const startOptions = (copy: string, capture: pino.DestinationStream): StartOptions => {
    const schema = `${db.schema}_${copy}`;
    schemas.push(schema);
    const env = { DATABASE_URL: db.url, KAFKA_BROKERS: kafka.brokers.join(','), JWT_SECRET: 'x'.repeat(32), CLOCK: 'simulated', PORT: '0', LOG_LEVEL: 'info' };
    return { config: loadConfig('dispute', env), logger: pino({ level: 'info' }, capture), schema, groupId: schema, pollIntervalMs: 50 };
  };
  return { startOptions };
};
