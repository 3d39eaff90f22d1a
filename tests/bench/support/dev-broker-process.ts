import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';

/** A free TCP port on loopback (closed again before it is returned). */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });

export interface BenchBroker {
  name: string;
  brokers: string[];
  stop(): Promise<void>;
}

/**
 * The dev broker in its own process, so its CPU is not on the measured event loop; returns once it
 * answers. `KAFKA_BROKERS` (a real cluster) wins when set.
 */
export const startDevBrokerProcess = async (o: { partitions?: number } = {}): Promise<BenchBroker> => {
  if (process.env.KAFKA_BROKERS) return { name: 'KAFKA_BROKERS', brokers: process.env.KAFKA_BROKERS.split(','), stop: async () => {} };
  const root = path.resolve(__dirname, '..', '..', '..');
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      '--require',
      path.join(root, 'tools/swc-register.js'),
      path.join(root, 'libs/kafka-devbroker/src/cli.ts'),
      '--port',
      String(port),
      '--partitions',
      String(o.partitions ?? 6),
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const probe = new Kafka({
    clientId: 'bench-probe',
    brokers: [`127.0.0.1:${port}`],
    logLevel: logLevel.NOTHING,
    retry: { retries: 30, initialRetryTime: 100 },
  }).admin();
  await probe.connect(); // retried until the child listens
  await probe.disconnect();
  return {
    name: 'dev broker (child process)',
    brokers: [`127.0.0.1:${port}`],
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
};
