import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureKafkaJars, kafkaVersion } from './distribution';
import { freePorts } from './free-ports';
import { type ClusterShape, LOG4J2_PROPERTIES, type NodePorts, serverProperties } from './node-config';
import { coordinatorReady, liveBrokers } from './probe';
import { formatLogDir, kraftId } from './storage';

export interface ApacheKafkaOptions extends Partial<ClusterShape> {
  /**
   * Where the nodes keep their logs; a fresh temporary folder (removed at stop) when omitted. A
   * folder from an earlier start is reused as it is (same cluster, same data).
   */
  dir?: string;
  /** The client port of the first node (e.g. 9092 for `npm start`); free ports otherwise. */
  port?: number;
  /**
   * The loopback address the client listener binds (default 127.0.0.1) and the one it advertises
   * (default the same): a test puts a TCP proxy on 127.0.0.1 in front of a node bound to 127.0.0.2.
   */
  host?: string;
  advertisedHost?: string;
  /** Heap of each node (`-Xmx`); small by default, tests hold little data. */
  heap?: string;
  /** How long to wait for the cluster to answer clients. */
  readyTimeoutMs?: number;
  /** Another Kafka version than tools/kafka/pom.xml names (benchmarks compare versions). */
  version?: string;
}

export interface KafkaNode extends NodePorts {
  /** host:port of this node's client listener. */
  readonly address: string;
  readonly running: boolean;
  /** SIGKILL, as a crashed machine: no controlled shutdown, no leadership hand-over. */
  kill(): Promise<void>;
  /** Starts a killed or stopped node again on the same ports and log dir; resolves once the cluster lists it. */
  restart(): Promise<void>;
}

export interface ApacheKafka {
  version: string;
  /** Bootstrap list for a client: every node's address. */
  brokers: string[];
  nodes: KafkaNode[];
  /** Milliseconds from the call until every node answered and a group coordinator was ready. */
  startedInMs: number;
  /** The process id of a running node. */
  pid(nodeId: number): number | undefined;
  /** The last lines a node wrote to its log (for a failing test's message). */
  logTail(nodeId: number, lines?: number): string;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
// A test process that dies must not leave JVMs behind it.
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/** The cluster id a reused folder was formatted with (its first node's meta.properties). */
const existingClusterId = (root: string): string | undefined => {
  try {
    return /^cluster\.id=(.+)$/m.exec(readFileSync(join(root, 'node-1', 'data', 'meta.properties'), 'utf8'))?.[1]?.trim();
  } catch {
    return undefined;
  }
};

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts Apache Kafka in KRaft mode on loopback: `nodes` processes (1 by default), each broker and
 * controller, on free ports, fetched with Maven on first use. Resolves when every node is listed
 * alive and a consumer group coordinator answers.
 */
export const startApacheKafka = async (options: ApacheKafkaOptions = {}): Promise<ApacheKafka> => {
  const began = Date.now();
  const shape: ClusterShape = {
    nodes: options.nodes ?? 1,
    partitions: options.partitions ?? 1,
    minSessionTimeoutMs: options.minSessionTimeoutMs ?? 1000,
  };
  const version = options.version ?? kafkaVersion();
  const jars = await ensureKafkaJars(version);
  const ownsDir = !options.dir;
  const root = options.dir ?? mkdtempSync(join(tmpdir(), 'bp-kafka-'));
  mkdirSync(root, { recursive: true });
  const ports = await freePorts(shape.nodes * 2);
  if (options.port) ports[0] = options.port;
  const all: NodePorts[] = Array.from({ length: shape.nodes }, (_, i) => ({ nodeId: i + 1, port: ports[2 * i]!, controllerPort: ports[2 * i + 1]! }));
  const clusterId = existingClusterId(root) ?? kraftId();
  writeFileSync(join(root, 'log4j2.properties'), LOG4J2_PROPERTIES);
  const ids = all.map((n) => n.nodeId);
  const listenHost = options.host ?? '127.0.0.1';

  const procs = new Map<number, ChildProcess>();
  const logFile = (id: number) => join(root, `node-${id}`, 'broker.log');
  const logTail = (id: number, lines = 40) => {
    try {
      return readFileSync(logFile(id), 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  };

  const launch = (n: NodePorts): ChildProcess => {
    const nodeDir = join(root, `node-${n.nodeId}`);
    const out = openSync(logFile(n.nodeId), 'a');
    const child = spawn(
      'java',
      [
        `-Xmx${options.heap ?? '384m'}`,
        '-Xss1m',
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-Djava.awt.headless=true',
        `-Dlog4j2.configurationFile=${join(root, 'log4j2.properties')}`,
        '-cp',
        `${jars}/*`,
        'kafka.Kafka',
        join(nodeDir, 'server.properties'),
      ],
      { stdio: ['ignore', out, out] },
    );
    closeSync(out);
    children.add(child);
    child.once('exit', () => {
      children.delete(child);
      if (procs.get(n.nodeId) === child) procs.delete(n.nodeId);
    });
    procs.set(n.nodeId, child);
    return child;
  };

  /** Waits until `via` lists `expected` alive (and, when asked, a group coordinator is loaded). */
  const awaitReady = async (via: NodePorts[], expected: number[], coordinator: boolean) => {
    const deadline = Date.now() + (options.readyTimeoutMs ?? 180_000);
    for (;;) {
      for (const id of expected) {
        if (!procs.has(id)) throw new Error(`Kafka node ${id} exited while starting:\n${logTail(id)}`);
      }
      for (const n of via) {
        try {
          const alive = await liveBrokers(listenHost, n.port);
          if (expected.every((id) => alive.includes(id)) && (!coordinator || (await coordinatorReady(listenHost, n.port, 'bp-readiness')))) return;
        } catch {
          // not listening yet
        }
      }
      if (Date.now() > deadline)
        throw new Error(`Kafka ${version} did not become ready in time:\n${ids.map((id) => `node ${id}:\n${logTail(id)}`).join('\n')}`);
      await delay(100);
    }
  };

  const killNode = async (id: number) => {
    const child = procs.get(id);
    if (!child) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };

  const stop = async () => {
    await Promise.all(
      [...procs.entries()].map(async ([, child]) => {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    if (ownsDir) rmSync(root, { recursive: true, force: true });
  };

  try {
    for (const n of all) {
      const nodeDir = join(root, `node-${n.nodeId}`);
      if (!existsSync(join(nodeDir, 'data', 'meta.properties'))) await formatLogDir(jars, join(nodeDir, 'data'), clusterId, n.nodeId);
      writeFileSync(
        join(nodeDir, 'server.properties'),
        serverProperties(shape, n, all, join(nodeDir, 'data'), { host: options.host, advertisedHost: options.advertisedHost }),
      );
    }
    for (const n of all) launch(n);
    await awaitReady(all, ids, true);
  } catch (err) {
    await stop();
    throw err;
  }

  const nodes: KafkaNode[] = all.map((n) => ({
    ...n,
    address: `${options.advertisedHost ?? listenHost}:${n.port}`,
    get running() {
      return procs.has(n.nodeId);
    },
    kill: () => killNode(n.nodeId),
    restart: async () => {
      if (procs.has(n.nodeId)) return;
      launch(n);
      await awaitReady([n], [n.nodeId], false);
    },
  }));

  return { version, brokers: nodes.map((n) => n.address), nodes, startedInMs: Date.now() - began, pid: (id) => procs.get(id)?.pid, logTail, stop };
};
