// The Java producer's defaults against the dev broker (issue 16 item 6): kafka-clients 4.1.1 with
// nothing tuned (acks=all, enable.idempotence=true, so InitProducerId first) sends to the dev broker
// and a kafkajs consumer reads every record back, in order per key. Partners' test rigs and our own
// `npm start` (dev broker by default) meet exactly this client.
import { silentLogger, start, type RunningBroker } from '@bp/kafka-devbroker';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { fetchBatches, RawClient } from '../../libs/kafka-devbroker/test/helpers/raw-client';
import { recordResult } from '../security/support/results';
import { buildJavaPartner, itJava, runJavaPartner } from './support/java-partner';

const RECORDS = 200;

describe('Java kafka-clients producer with its defaults → dev broker → kafkajs', () => {
  let broker: RunningBroker;
  beforeAll(async () => {
    await buildJavaPartner();
    broker = await start({ port: 0, logger: silentLogger, minSessionTimeoutMs: 500 });
    const admin = new Kafka({ brokers: [broker.brokers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'java-defaults', numPartitions: 3 }] });
    await admin.disconnect();
  }, 300_000);
  afterAll(() => broker?.stop());

  itJava(
    'idempotent (InitProducerId) acks=all sends are acknowledged, stored with a producer id and read back by kafkajs in order per key',
    async () => {
      const began = performance.now();
      const run = await runJavaPartner(['produce', broker.brokers, 'java-defaults', String(RECORDS)]);
      expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr.slice(-2000) }).toEqual({ code: 0, stderr: '' });
      expect(run.lines).toHaveLength(RECORDS);
      recordResult(`java-producer-devbroker records=${RECORDS} ms=${Math.round(performance.now() - began)}`);

      // Idempotence really was on: every stored batch carries a producer id and a base sequence.
      const raw = await RawClient.open(broker.port);
      try {
        for (const partition of [0, 1, 2]) {
          for (const batch of await fetchBatches(raw, 'java-defaults', partition)) {
            expect(Number(batch.readBigInt64BE(43))).toBeGreaterThanOrEqual(0); // producer id
            expect(batch.readInt32BE(53)).toBeGreaterThanOrEqual(0); // base sequence
          }
        }
      } finally {
        raw.close();
      }

      const kafka = new Kafka({ brokers: [broker.brokers], logLevel: logLevel.NOTHING });
      const consumer = kafka.consumer({ groupId: 'g-java-defaults', maxWaitTimeInMs: 100 });
      const seen: { key: string; value: string; partition: number }[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic: 'java-defaults', fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => void seen.push({ key: message.key!.toString(), value: message.value!.toString(), partition }),
      });
      const until = Date.now() + 30_000;
      while (seen.length < RECORDS && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      await consumer.disconnect();
      expect(seen).toHaveLength(RECORDS);
      // Per key: one partition, values in the order sent; the Java client's murmur2 placement is kafkajs's.
      const probe = Partitioners.DefaultPartitioner();
      for (let k = 0; k < 10; k++) {
        const mine = seen.filter((s) => s.key === `key-${k}`);
        expect(mine.map((s) => Number(s.value.slice('value-'.length)))).toEqual(Array.from({ length: RECORDS / 10 }, (_, i) => i * 10 + k));
        const expected = probe({
          topic: 'java-defaults',
          partitionMetadata: [0, 1, 2].map((partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] })),
          message: { key: `key-${k}`, value: null },
        });
        expect(new Set(mine.map((s) => s.partition))).toEqual(new Set([expected]));
      }
    },
    180_000,
  );
});
