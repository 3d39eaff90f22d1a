#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { consoleLogger, type LogLevel } from './logger';
import { start } from './server';

const USAGE = `kafka-devbroker [--port N] [--host H] [--advertised-host H] [--data-dir DIR] [--partitions N] [--log-level debug|info|warn|error]
  env: KAFKA_DEVBROKER_PORT, KAFKA_DEVBROKER_HOST, KAFKA_DEVBROKER_DATA_DIR`;

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export interface CliOptions {
  port: number;
  host: string;
  advertisedHost: string | undefined;
  dataDir: string | undefined;
  defaultPartitions: number | undefined;
  logLevel: LogLevel;
}

const integer = (name: string, raw: string, min: number): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} needs an integer ≥ ${min} (got ${raw})\n${USAGE}`);
  return n;
};

/** Flags (node:util parseArgs, strict) over the environment over the defaults; `help` when asked for. */
export const parseCli = (argv: string[], env: NodeJS.ProcessEnv = process.env): CliOptions | 'help' => {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'advertised-host': { type: 'string' },
        'data-dir': { type: 'string' },
        partitions: { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${USAGE}`);
  }
  if (values.help) return 'help';
  const str = (k: string) => values[k] as string | undefined;
  const logLevel = str('log-level') ?? 'info';
  if (!(LEVELS as readonly string[]).includes(logLevel)) throw new Error(`--log-level must be one of ${LEVELS.join(', ')}\n${USAGE}`);
  const partitions = str('partitions');
  return {
    port: integer('port', str('port') ?? env.KAFKA_DEVBROKER_PORT ?? '9092', 0),
    host: str('host') ?? env.KAFKA_DEVBROKER_HOST ?? '127.0.0.1',
    advertisedHost: str('advertised-host'),
    dataDir: str('data-dir') ?? env.KAFKA_DEVBROKER_DATA_DIR,
    defaultPartitions: partitions === undefined ? undefined : integer('partitions', partitions, 1),
    logLevel: logLevel as LogLevel,
  };
};

const main = async (): Promise<void> => {
  const o = parseCli(process.argv.slice(2));
  if (o === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const broker = await start({
    port: o.port,
    host: o.host,
    advertisedHost: o.advertisedHost,
    dataDir: o.dataDir,
    defaultPartitions: o.defaultPartitions,
    logger: consoleLogger(o.logLevel),
  });
  const shutdown = (): void => {
    void broker.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
};

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
