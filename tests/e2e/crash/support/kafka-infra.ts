import { freePorts, type KafkaNode, startApacheKafka } from '@bp/kafka-apache';
import { silentLogger, start as startDevBroker } from '@bp/kafka-devbroker';
import { chooseTestKafka, createContractTopics } from '@bp/testing';
import path from 'node:path';
import { brokerProcess, type InfraProcess } from './infra';

/**
 * The Kafka of a crash test. On this run's broker kind (BP_KAFKA): Apache Kafka nodes are JVM
 * processes, so every mode but the default hands out killable nodes; the dev broker runs in this
 * process ('in-process') or as its CLI's child process ('process'). 'cluster' is three Apache
 * Kafka nodes (replication 3, min.insync.replicas 2, 6 partitions per topic), killable one by one as
 * `broker-1`…`broker-3`.
 */
export type BrokerMode = 'in-process' | 'process' | 'cluster';

export interface CrashKafka {
  brokers: string;
  kind: 'apache' | 'devbroker';
  version?: string;
  /** Killable nodes by target name: `broker` (one node) or `broker-1`… (a cluster). */
  nodes: Map<string, InfraProcess>;
  stop(): Promise<void>;
}

/** An Apache Kafka node seen through the crash harness's InfraProcess. */
const apacheNode = (name: string, node: KafkaNode, pids: () => number | undefined): InfraProcess => {
  const history: number[] = [];
  const record = () => {
    const pid = pids();
    if (pid) history.push(pid);
  };
  record();
  return {
    name,
    pid: pids,
    kill: () => node.kill(),
    start: async () => {
      await node.restart();
      record();
    },
    history: () => [...history],
    stop: () => node.kill(),
    killNow: () => void node.kill(),
  };
};

export const startCrashKafka = async (mode: BrokerMode, dir: string): Promise<CrashKafka> => {
  const { kind } = await chooseTestKafka();
  if (kind === 'apache') {
    const nodes = mode === 'cluster' ? 3 : 1;
    const kafka = await startApacheKafka({ nodes, partitions: mode === 'cluster' ? 6 : 1, dir: path.join(dir, 'kafka') });
    await createContractTopics(kafka.brokers).catch(async (err: unknown) => {
      await kafka.stop();
      throw err;
    });
    const named = new Map<string, InfraProcess>();
    if (mode !== 'in-process') {
      kafka.nodes.forEach((n) => {
        const name = nodes === 1 ? 'broker' : `broker-${n.nodeId}`;
        named.set(
          name,
          apacheNode(name, n, () => kafka.pid(n.nodeId)),
        );
      });
    }
    return { brokers: kafka.brokers.join(','), kind, version: kafka.version, nodes: named, stop: () => kafka.stop() };
  }
  if (mode === 'cluster') throw new Error('a Kafka cluster needs Apache Kafka (Java 17 and Maven); this run uses the dev broker');
  if (mode === 'process') {
    const [port] = await freePorts(1);
    const child = brokerProcess({ port: port!, dataDir: path.join(dir, 'kafka'), logFile: path.join(dir, 'broker.log') });
    await child.start();
    return { brokers: `127.0.0.1:${port}`, kind: 'devbroker', nodes: new Map([['broker', child]]), stop: () => child.stop() };
  }
  const broker = await startDevBroker({ port: 0, host: '127.0.0.1', logger: silentLogger });
  return { brokers: broker.brokers, kind: 'devbroker', nodes: new Map(), stop: () => broker.stop() };
};
