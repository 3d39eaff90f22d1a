import { spawn, spawnSync } from 'node:child_process';

export interface TestBroker {
  brokers: string[];
  /** False for a broker whose admin API cannot create topics (the mock cluster): tests rely on auto-creation. */
  createsTopics?: boolean;
  stop(): Promise<void>;
}

/**
 * librdkafka's mock cluster, hosted by kcat (Debian `kcat`): an independent Kafka implementation
 * to cross-check against. kcat runs a consumer on a probe topic only to keep the mock alive; its
 * debug log names the bootstrap servers. Its controller id (0) matches no broker (1..n), which
 * breaks kafkajs admin.createTopics and idempotent producers: tests rely on auto-created topics.
 */
export const startMockCluster = async (numBrokers = 3): Promise<TestBroker> => {
  if (spawnSync('kcat', ['-V']).error) {
    throw new Error('kcat not found: the librdkafka mock-cluster cross-check needs it (apt-get install -y kcat)');
  }
  const child = spawn('kcat', ['-b', 'dummy', '-X', `test.mock.num.brokers=${numBrokers}`, '-X', 'debug=mock', '-q', '-C', '-t', '__mock_probe', '-o', 'end'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const brokers = await new Promise<string[]>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`kcat mock cluster did not start: ${buf.slice(0, 500)}`)), 10_000);
    const onData = (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      const m = /bootstrap\.servers=(\S+)/.exec(buf);
      if (!m) return;
      clearTimeout(timer);
      buf = '';
      child.stderr.off('data', onData);
      child.stderr.resume(); // keep draining the debug log, or kcat blocks on a full pipe
      resolve(m[1]!.split(','));
    };
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kcat exited with ${code}: ${buf.slice(0, 500)}`));
    });
  });
  return {
    brokers,
    createsTopics: false,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
};
