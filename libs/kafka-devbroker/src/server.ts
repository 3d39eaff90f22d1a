import { createServer, type Server } from 'node:net';
import { Broker } from './broker';
import { resolveConfig, type BrokerOptions } from './config';
import { Connection } from './connection';
import { consoleLogger } from './logger';

/** A running broker, returned by start(). */
export interface RunningBroker {
  port: number;
  host: string;
  /** `host:port`, ready for a client's bootstrap list. */
  brokers: string;
  /** The broker's state (topics, groups, offsets), for tests and tools. */
  broker: Broker;
  stop(): Promise<void>;
}

/** Starts a single-node Kafka-protocol broker in this process. */
export const start = async (options: BrokerOptions = {}): Promise<RunningBroker> => {
  const config = resolveConfig(options, options.logger ?? consoleLogger('warn'));
  const broker = new Broker(config);
  broker.load();
  const connections = new Set<Connection>();
  const server: Server = createServer((socket) => {
    const c = new Connection(socket, broker);
    connections.add(c);
    socket.on('close', () => connections.delete(c));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => config.logger.error({ err: err.message }, 'server error'));
  const address = server.address();
  broker.port = typeof address === 'object' && address ? address.port : config.port;
  config.logger.info({ host: config.host, port: broker.port, dataDir: config.dataDir }, 'kafka dev broker listening');
  let stopped: Promise<void> | null = null;
  return {
    port: broker.port,
    host: config.advertisedHost,
    brokers: `${config.advertisedHost}:${broker.port}`,
    broker,
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const c of connections) c.close();
        broker.close();
      })),
  };
};
