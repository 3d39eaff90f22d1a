/**
 * Dev broker vs librdkafka's mock cluster, both driven by kafkajs: end-to-end throughput and
 * produce-to-consume latency (1 KB messages, 4 partitions, one consumer group). Prints figures only.
 *
 *   node --require ./tools/swc-register.js tests/bench/kafka-broker.bench.ts [--messages 20000] [--rate 5000] [--seconds 5] [--in-process]
 *
 * The dev broker runs as a child process through its CLI (so it does not share the clients' event
 * loop, like the mock); --in-process starts it in this process instead.
 *
 * The mock cluster is hosted by a `kcat` child (`-X test.mock.num.brokers=3`); its bootstrap
 * servers come from the notice it logs. Topics there are auto-created (its Metadata reports
 * controller 0 while its brokers start at 1, so kafkajs admin.createTopics cannot reach it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';
import { silentLogger, start } from '@bp/kafka-devbroker';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const MESSAGES = arg('messages', 20_000);
const RATE = arg('rate', 5_000);
const SECONDS = arg('seconds', 5);
const PARTITIONS = 4;
const PAYLOAD = Buffer.alloc(1024, 'x');

interface Target {
  name: string;
  brokers: string[];
  /** Whether topics must be created through the admin API (the mock auto-creates them). */
  createTopics: boolean;
  stop(): Promise<void>;
}

interface Figures {
  target: string;
  throughput: number;
  produceOnly: number;
  p50: number;
  p99: number;
  achievedRate: number;
}

const startMock = (): Promise<Target> =>
  new Promise((resolve, reject) => {
    const child: ChildProcess = spawn('kcat', ['-b', 'dummy', '-X', 'test.mock.num.brokers=3', '-C', '-t', 'mock-keepalive', '-q'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    child.on('error', (e) => reject(new Error(`cannot start kcat (apt-get install kcat): ${e.message}`)));
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      const m = /replaced with ([0-9.:,]+)/.exec(log) ?? /bootstrap\.servers=([0-9.:,]+)/.exec(log);
      if (m && log !== '') {
        log = '';
        child.stderr!.removeAllListeners('data');
        child.stderr!.resume();
        resolve({
          name: 'librdkafka mock (3 brokers)',
          brokers: m[1]!.split(','),
          createTopics: false,
          stop: () =>
            new Promise<void>((done) => {
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
  });

/** The dev broker in its own process through the CLI (like the mock), or in this one with --in-process. */
const startDevBroker = async (): Promise<Target> => {
  if (process.argv.includes('--in-process')) {
    const b = await start({ port: 0, logger: silentLogger });
    return { name: '@bp/kafka-devbroker (in-process)', brokers: [b.brokers], createTopics: true, stop: () => b.stop() };
  }
  const root = join(__dirname, '..', '..');
  const child = spawn(
    process.execPath,
    ['--require', join(root, 'tools/swc-register.js'), join(root, 'libs/kafka-devbroker/src/cli.ts'), '--port', '0', '--log-level', 'info'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let log = '';
    child.on('exit', (code) => reject(new Error(`dev broker exited (${code}): ${log}`)));
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      const m = /"port":(\d+)/.exec(log);
      if (m) {
        child.stderr!.removeAllListeners('data');
        child.removeAllListeners('exit');
        child.stderr!.resume();
        resolve(Number(m[1]));
      }
    });
  });
  return {
    name: '@bp/kafka-devbroker (CLI)',
    brokers: [`127.0.0.1:${port}`],
    createTopics: true,
    stop: () =>
      new Promise<void>((done) => {
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
};

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

const run = async (target: Target): Promise<Figures> => {
  const kafka = new Kafka({ brokers: target.brokers, clientId: 'bench', logLevel: logLevel.NOTHING });
  const tput = `bench-tput-${Date.now()}`;
  const lat = `bench-lat-${Date.now()}`;
  if (target.createTopics) {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [tput, lat].map((topic) => ({ topic, numPartitions: PARTITIONS })) });
    await admin.disconnect();
  }
  const producer: Producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: true });
  await producer.connect();
  if (!target.createTopics) {
    // Auto-create both topics on the mock before the consumer subscribes.
    for (const topic of [tput, lat]) await producer.send({ topic, messages: [{ value: 'warm-up' }] });
  }

  const consumer: Consumer = kafka.consumer({ groupId: `bench-${Date.now()}`, maxWaitTimeInMs: 500 });
  let consumed = 0;
  let lastConsumedAt = 0;
  const latencies: number[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [tput, lat], fromBeginning: false });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    partitionsConsumedConcurrently: PARTITIONS,
    eachBatchAutoResolve: true,
    eachBatch: async ({ batch }) => {
      const now = performance.now();
      if (batch.topic === tput) {
        consumed += batch.messages.length;
        lastConsumedAt = now;
      } else {
        for (const m of batch.messages) {
          const sentAt = m.headers?.t;
          if (sentAt) latencies.push(now - Number(sentAt.toString()));
        }
      }
    },
  });
  await joined;
  await new Promise((r) => setTimeout(r, 1500)); // let the first fetches reach the log end

  // Throughput: 4 concurrent senders of 100-message batches, measured until the last message is consumed.
  const t0 = performance.now();
  const perSender = Math.ceil(MESSAGES / 4 / 100);
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let i = 0; i < perSender; i++) await producer.send({ topic: tput, messages: Array.from({ length: 100 }, () => ({ value: PAYLOAD })) });
    }),
  );
  const produced = perSender * 4 * 100;
  const produceOnly = produced / ((performance.now() - t0) / 1000);
  while (consumed < produced) await new Promise((r) => setTimeout(r, 5));
  const throughput = produced / ((lastConsumedAt - t0) / 1000);

  // Latency at a fixed rate: 10 ms ticks of RATE/100 messages each.
  const perTick = Math.max(1, Math.round(RATE / 100));
  const ticks = SECONDS * 100;
  const l0 = performance.now();
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < ticks; i++) {
    const due = l0 + i * 10;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t = String(performance.now());
    sends.push(producer.send({ topic: lat, messages: Array.from({ length: perTick }, () => ({ value: PAYLOAD, headers: { t } })) }));
  }
  await Promise.all(sends);
  const achievedRate = (ticks * perTick) / ((performance.now() - l0) / 1000);
  const deadline = performance.now() + 10_000;
  while (latencies.length < ticks * perTick && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  latencies.sort((a, b) => a - b);

  await consumer.disconnect();
  await producer.disconnect();
  return { target: target.name, throughput, produceOnly, p50: percentile(latencies, 50), p99: percentile(latencies, 99), achievedRate };
};

const main = async (): Promise<void> => {
  const results: Figures[] = [];
  for (const make of [startDevBroker, startMock]) {
    const target = await make();
    try {
      results.push(await run(target));
    } finally {
      await target.stop();
    }
  }
  const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  process.stdout.write(
    `kafkajs, 1 KB messages, ${PARTITIONS} partitions, one consumer group; ${fmt(MESSAGES)} messages for throughput, ${fmt(RATE)} msg/s for ${SECONDS} s for latency\n\n`,
  );
  process.stdout.write(
    `${'target'.padEnd(30)} ${'e2e msg/s'.padStart(10)} ${'produce msg/s'.padStart(14)} ${'rate msg/s'.padStart(11)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}\n`,
  );
  for (const r of results) {
    process.stdout.write(
      `${r.target.padEnd(30)} ${fmt(r.throughput).padStart(10)} ${fmt(r.produceOnly).padStart(14)} ${fmt(r.achievedRate).padStart(11)} ${fmt(r.p50, 1).padStart(8)} ${fmt(r.p99, 1).padStart(8)}\n`,
    );
  }
};

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
