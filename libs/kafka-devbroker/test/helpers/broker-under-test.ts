import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { type ApacheKafka, type ApacheKafkaOptions, cacheDir, kafkaVersion, startApacheKafka } from '@bp/kafka-apache';
import { type BrokerOptions, type RunningBroker, silentLogger, start } from '../../src';

/**
 * The conformance suites run against both brokers (issue 16 item 2): the dev broker in this process
 * and Apache Kafka (single KRaft node) as the reference. What the two do differently is asserted per
 * broker and listed in the README ("Measured differences from Apache Kafka").
 */
export type BrokerKind = 'devbroker' | 'apache';

export interface BrokerUnderTest {
  kind: BrokerKind;
  /** For test names and the figures: `dev broker` or `Apache Kafka 4.1.1`. */
  name: string;
  /** host:port, for a client's bootstrap list. */
  brokers: string;
  port: number;
  /** The node id Metadata reports for the (single) broker, and the controller's. */
  nodeId: number;
  controllerId: number;
  /** The in-process dev broker (its state, for checks only it can answer), or undefined on Apache. */
  dev?: RunningBroker;
  apache?: ApacheKafka;
  /** How long the broker took to start (ms). */
  startedInMs: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  devbroker?: BrokerOptions;
  apache?: ApacheKafkaOptions;
}

/** A silent in-process dev broker on a free port, with short session timeouts allowed. */
export const startDevBroker = async (options: BrokerOptions = {}): Promise<BrokerUnderTest> => {
  const began = performance.now();
  const dev = await start({ port: 0, logger: silentLogger, minSessionTimeoutMs: 500, ...options });
  return {
    kind: 'devbroker',
    name: 'dev broker',
    brokers: dev.brokers,
    port: dev.port,
    nodeId: 0,
    controllerId: 0,
    dev,
    startedInMs: Math.round(performance.now() - began),
    stop: () => dev.stop(),
  };
};

/** A single-node Apache Kafka on free loopback ports (node id 1, its own controller). */
export const startApache = async (options: ApacheKafkaOptions = {}): Promise<BrokerUnderTest> => {
  const apache = await startApacheKafka({ minSessionTimeoutMs: 500, ...options });
  const node = apache.nodes[0]!;
  recordResult(`apache-kafka-start version=${apache.version} nodes=${apache.nodes.length} startedInMs=${apache.startedInMs}`);
  return {
    kind: 'apache',
    name: `Apache Kafka ${apache.version}`,
    brokers: node.address,
    port: node.port,
    nodeId: node.nodeId,
    controllerId: node.nodeId,
    apache,
    startedInMs: apache.startedInMs,
    stop: () => apache.stop(),
  };
};

const answers = (cmd: string, args: string[]): boolean => {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 30_000 });
  return !r.error && r.status === 0;
};

let apacheMissing: string | undefined | null = null;
/**
 * Why Apache Kafka cannot run here, or undefined when it can: it runs when the jest setup chose it
 * (BP_KAFKA=apache) or when Java is present (and the jars are cached or Maven can fetch them).
 */
export const apacheUnavailable = (): string | undefined => {
  if (apacheMissing !== null) return apacheMissing;
  if (process.env.BP_KAFKA === 'apache') return (apacheMissing = undefined);
  const missing: string[] = [];
  if (!answers('java', ['-version'])) missing.push('java (Java 17+)');
  else if (!existsSync(join(cacheDir(kafkaVersion()), '.complete')) && !answers('mvn', ['-v'])) missing.push('mvn (to fetch the broker once)');
  return (apacheMissing = missing.length ? `Apache Kafka not run: this machine lacks ${missing.join(' and ')}` : undefined);
};

/** Tests print nothing; with BP_RESULTS_FILE set, the figures are appended there, one line each. */
export const recordResult = (line: string): void => {
  const file = process.env.BP_RESULTS_FILE;
  if (file) appendFileSync(file, `${line}\n`);
};

export interface BrokerSuite {
  kind: BrokerKind;
  /** The running broker; only inside hooks and tests. */
  readonly broker: BrokerUnderTest;
  /** Replaces the running broker (a restart); the suite stops the last one it was given. */
  replace(next: BrokerUnderTest | undefined): void;
}

/**
 * `describe(title)` once per broker, each with its own broker started before the tests (generous
 * timeout: a JVM on a loaded machine) and stopped after them. Apache Kafka missing: a skipped test
 * named SKIPPED with the reason, or a failure under CI=true. With BP_RESULTS_FILE set, each suite's
 * wall time on each broker is appended there (`conformance suite=… broker=… ms=…`).
 */
export const describeEachBroker = (title: string, body: (suite: BrokerSuite) => void, options: StartOptions & { kinds?: BrokerKind[] } = {}): void => {
  for (const kind of options.kinds ?? (['devbroker', 'apache'] as const)) {
    const label = kind === 'devbroker' ? 'dev broker' : 'Apache Kafka';
    describe(`${title} [${label}]`, () => {
      const missing = kind === 'apache' ? apacheUnavailable() : undefined;
      if (missing) {
        if (process.env.CI === 'true')
          it(`${label} is required under CI=true`, () => {
            throw new Error(`${missing}; under CI=true that is a failure: install Java 17 and Maven`);
          });
        else it.skip(`SKIPPED: ${missing}`, () => {});
        return;
      }
      let current: BrokerUnderTest | undefined;
      let began = 0;
      const suite: BrokerSuite = {
        kind,
        get broker() {
          if (!current) throw new Error(`the ${label} of this suite is not running`);
          return current;
        },
        replace(next) {
          current = next;
        },
      };
      beforeAll(async () => {
        began = performance.now();
        current = kind === 'devbroker' ? await startDevBroker(options.devbroker) : await startApache(options.apache);
      }, 180_000);
      afterAll(async () => {
        const name = current?.name ?? label;
        await current?.stop();
        recordResult(`conformance suite="${title}" broker="${name}" ms=${Math.round(performance.now() - began)}`);
      }, 60_000);
      describe(title, () => body(suite));
    });
  }
};
