#!/usr/bin/env node
import { consoleLogger, type LogLevel } from './logger';
import { start } from './server';

const USAGE = `kafka-devbroker [--port N] [--host H] [--advertised-host H] [--data-dir DIR] [--partitions N] [--log-level debug|info|warn|error]
  env: KAFKA_DEVBROKER_PORT, KAFKA_DEVBROKER_HOST, KAFKA_DEVBROKER_DATA_DIR`;

const parseArgs = (argv: string[]): Map<string, string> => {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    const [k, inline] = a.split('=', 2) as [string, string | undefined];
    if (!k.startsWith('--')) throw new Error(`unexpected argument ${a}\n${USAGE}`);
    const v = inline ?? argv[++i];
    if (v === undefined) throw new Error(`${k} needs a value`);
    out.set(k.slice(2), v);
  }
  return out;
};

const main = async (): Promise<void> => {
  const args = parseArgs(process.argv.slice(2));
  const env = process.env;
  const logger = consoleLogger((args.get('log-level') ?? 'info') as LogLevel);
  const broker = await start({
    port: Number(args.get('port') ?? env.KAFKA_DEVBROKER_PORT ?? 9092),
    host: args.get('host') ?? env.KAFKA_DEVBROKER_HOST ?? '127.0.0.1',
    advertisedHost: args.get('advertised-host'),
    dataDir: args.get('data-dir') ?? env.KAFKA_DEVBROKER_DATA_DIR,
    defaultPartitions: args.has('partitions') ? Number(args.get('partitions')) : undefined,
    logger,
  });
  const shutdown = (): void => {
    void broker.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
};

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
