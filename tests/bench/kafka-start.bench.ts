/**
 * How long a Kafka takes to answer clients (issue 16): Apache Kafka single node and 3-node cluster,
 * per version (KAFKA_VERSIONS, default the pinned one, 4.4.0 and 3.9.1), from process spawn until
 * Metadata lists every node and a group coordinator answers; the dev broker beside them. Also checks
 * that kafkajs 2.2.4 produces, consumes in a group and commits on each version.
 *
 *   node --require ./tools/swc-register.js tests/bench/kafka-start.bench.ts
 */
import { kafkaVersion, startApacheKafka } from '@bp/kafka-apache';
import { silentLogger, start } from '@bp/kafka-devbroker';
import { ensureTopics, kafkajsClient } from '@bp/messaging';
import { Kafka, logLevel, Partitioners } from 'kafkajs';

const RUNS = Number(process.env.RUNS ?? 3);
const versions = (process.env.KAFKA_VERSIONS ?? `${kafkaVersion()},4.4.0,3.9.1`).split(',');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Produce, consume in a group, commit: what the services need from a broker. */
const kafkajsWorks = async (brokers: string[]): Promise<string> => {
  const kafka = new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId: 'bench', sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  try {
    await ensureTopics(kafkajsClient(kafka), ['bench']); // waits for leaders (kafkajs' own wait does not, on KRaft)
    await producer.connect();
    await producer.send({ topic: 'bench', acks: -1, messages: [{ key: 'k', value: 'v' }] });
    await consumer.connect();
    await consumer.subscribe({ topics: ['bench'], fromBeginning: true });
    await new Promise<void>((resolve) => void consumer.run({ eachMessage: async () => resolve() }));
    return 'yes';
  } catch (err) {
    return `no: ${(err as Error).message}`;
  } finally {
    await consumer.disconnect().catch(() => {});
    await producer.disconnect().catch(() => {});
  }
};

const main = async () => {
  const rows = { push: (row: string) => void process.stdout.write(`${row}\n`) };
  for (const version of versions) {
    for (const nodes of [1, 3]) {
      const times: number[] = [];
      let works = '';
      try {
        for (let i = 0; i < RUNS; i++) {
          const k = await startApacheKafka({ version, nodes, partitions: 3 });
          times.push(k.startedInMs);
          if (i === 0) works = await kafkajsWorks(k.brokers);
          await k.stop();
        }
        rows.push(
          `Apache Kafka ${version}, ${nodes} node(s): start median ${(median(times) / 1000).toFixed(1)} s (${times.map((t) => (t / 1000).toFixed(1)).join(', ')}); kafkajs 2.2.4 works: ${works}`,
        );
      } catch (err) {
        rows.push(`Apache Kafka ${version}, ${nodes} node(s): ${(err as Error).message.split('\n')[0]}`);
      }
    }
  }
  const dev: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = Date.now();
    const b = await start({ port: 0, logger: silentLogger });
    dev.push(Date.now() - t0);
    await b.stop();
  }
  rows.push(`dev broker (in-process): start median ${median(dev)} ms`);
};

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
