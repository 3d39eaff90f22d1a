import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { defaultPorts, ServiceNames } from '@bp/runtime';
import { dataDir, LOCAL_KAFKA_PORT, LOCAL_POSTGRES_PORT, LOCAL_SMTP_PORT, localEnv, localServiceUrls } from './local-env';
import { parseStartArgs, START_USAGE } from './start/args';
import { startKafka } from './start/broker';
import { startPostgres } from './start/postgres';
import { assertPortsFree } from './start/ports';
import { summary } from './start/print';
import { mainScript, startServices, type Supervisor } from './start/services';
import { startSmtp } from './start/smtp';

/**
 * `npm start`: the whole system on one machine. PostgreSQL, Kafka and mail are embedded unless
 * DATABASE_URL / KAFKA_BROKERS / SMTP_URL point elsewhere; the four services run as separate
 * processes with the simulated clock. Flags: --reset (wipe the local data first),
 * --services order,escrow (a subset).
 */
const say = (line: string) => process.stdout.write(`${line}\n`);

const main = async (): Promise<void> => {
  const args = parseStartArgs(process.argv.slice(2));
  if (args.help) {
    say(START_USAGE);
    return;
  }
  const data = dataDir();
  const logs = join(data, 'logs');
  if (args.reset) {
    // Only what this command owns: the dev secret stays, so tokens already handed out keep working.
    for (const d of ['postgres', 'kafka', 'kafka-apache', 'mail', 'logs', 'evidence']) rmSync(join(data, d), { recursive: true, force: true });
    say(
      `reset: wiped ${data}/{postgres,kafka,kafka-apache,mail,logs,evidence}${process.env.DATABASE_URL ? ' (DATABASE_URL is external: its data is untouched)' : ''}`,
    );
  }
  mkdirSync(logs, { recursive: true });

  // A service whose main has not been built (not written yet) is skipped, loudly, unless named.
  const names = args.services ?? ServiceNames.filter((n) => existsSync(mainScript(n)));
  const missing = ServiceNames.filter((n) => !names.includes(n));
  if (!args.services && missing.length) say(`! not built, not started: ${missing.map((n) => `${n} (${mainScript(n)})`).join(', ')}`);

  const env = process.env;
  await assertPortsFree([
    ...names.map((n) => ({ port: defaultPorts[n], what: `${n} service` })),
    ...(env.DATABASE_URL ? [] : [{ port: Number(env.POSTGRES_PORT ?? LOCAL_POSTGRES_PORT), what: 'PostgreSQL' }]),
    ...(env.KAFKA_BROKERS ? [] : [{ port: Number(env.KAFKA_DEVBROKER_PORT ?? LOCAL_KAFKA_PORT), what: 'Kafka' }]),
    ...(env.SMTP_URL ? [] : [{ port: Number(env.SMTP_PORT ?? LOCAL_SMTP_PORT), what: 'mail sink' }]),
  ]);

  // Components stop in reverse order of start: services, then mail and broker, then PostgreSQL.
  const stack: { name: string; stop: () => Promise<void> }[] = [];
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      for (const c of [...stack].reverse()) {
        try {
          await c.stop();
          say(`  stopped ${c.name}`);
        } catch (err) {
          say(`  ${c.name} did not stop cleanly: ${(err as Error).message}`);
        }
      }
    })());
  let supervisor: Supervisor | undefined;
  const killServices = () => {
    for (const s of supervisor?.services ?? []) {
      const pid = s.pid();
      if (pid) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }
  };
  let firstSignalAt = 0;
  const onSignal = (signal: string) => {
    if (stopping) {
      // `npm start` forwards the terminal's Ctrl-C to us, so one keypress can arrive twice: only a
      // later, deliberate second Ctrl-C forces the services down.
      if (Date.now() - firstSignalAt < 2000) return;
      say(`${signal} again: killing the services now`);
      killServices();
      return;
    }
    firstSignalAt = Date.now();
    say(`\n${signal}: stopping… (Ctrl-C again to force)`);
    void stopAll().then(() => process.exit(0));
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGHUP', () => onSignal('SIGHUP'));
  // The services run in their own process groups: if this process dies of a bug, take them along.
  process.on('exit', killServices);

  try {
    say('starting PostgreSQL…');
    const pg = await startPostgres(data, env, say);
    stack.push({ name: `PostgreSQL (${pg.source})`, stop: pg.stop });
    say('starting Kafka…');
    const kafka = await startKafka(data, env, args.kafka, say);
    stack.push({ name: `Kafka (${kafka.source})`, stop: kafka.stop });
    const smtp = await startSmtp(data, env);
    stack.push({ name: 'mail sink', stop: smtp.stop });

    const host = env.HOST ?? '127.0.0.1';
    const serviceEnv: NodeJS.ProcessEnv = {
      ...localEnv(env),
      DATABASE_URL: pg.url,
      KAFKA_BROKERS: kafka.brokers,
      SMTP_URL: smtp.url,
      CLOCK: env.CLOCK ?? 'simulated',
      HOST: host,
      // Only the services started here: /ops/clock settles every one listed, and waits for each.
      SERVICE_URLS: env.SERVICE_URLS ?? localServiceUrls(host, names),
      DATA_DIR: data,
      BLOB_DIR: env.BLOB_DIR ?? join(data, 'evidence'),
      LOG_LEVEL: env.LOG_LEVEL ?? 'info',
      // The SSRF guard refuses loopback webhooks; the local reference receiver runs on 127.0.0.1.
      WEBHOOK_ALLOWED_CIDRS: env.WEBHOOK_ALLOWED_CIDRS ?? '127.0.0.1/32',
    };
    say(`starting ${names.join(', ')}…`);
    supervisor = await startServices({ names, env: serviceEnv, logs, host, say });
    stack.push({ name: 'services', stop: supervisor.stop });
    say(summary({ services: supervisor.services, database: pg, kafka, smtp, data, logs }));
  } catch (err) {
    say(`✗ ${(err as Error).message}`);
    await stopAll();
    process.exit(1);
  }
};

void main();
