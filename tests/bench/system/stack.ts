/**
 * The bench's own `npm start`: the same pieces as system/src/start.ts, from the same build
 * (system/dist/start/*: embedded PostgreSQL in its own process, the dev broker and the mail sink in
 * this process, the four services as `node services/<svc>/dist/main.js` processes), but on ports
 * chosen by the bench. start.ts fixes the services to API.md's default ports, which another
 * engineer's `npm start` on this shared machine may hold; system/src exports no start function.
 *
 * Run by system-under-test.ts with the services' environment (CLOCK, JWT_SECRET, …) and
 * BENCH_PORTS=order:p,escrow:p,dispute:p,notification:p. Prints one JSON line `{ ready, pids, … }`;
 * SIGINT/SIGTERM stop services, then mail and broker, then PostgreSQL (start.ts's order).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { startKafka as StartKafka } from '../../../system/src/start/broker';
import type { stopChild as StopChild } from '../../../system/src/start/child';
import type { startPostgres as StartPostgres } from '../../../system/src/start/postgres';
import type { startSmtp as StartSmtp } from '../../../system/src/start/smtp';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const dist = (f: string) => path.join(ROOT, 'system/dist/start', f);
/* eslint-disable @typescript-eslint/no-require-imports -- the built modules, as npm start runs them (postgres.js forks dist/start/postgres-process.js) */
const { startPostgres } = require(dist('postgres.js')) as { startPostgres: typeof StartPostgres };
const { startKafka } = require(dist('broker.js')) as { startKafka: typeof StartKafka };
const { startSmtp } = require(dist('smtp.js')) as { startSmtp: typeof StartSmtp };
const { stopChild } = require(dist('child.js')) as { stopChild: typeof StopChild };
/* eslint-enable @typescript-eslint/no-require-imports */

const data = path.resolve(ROOT, process.env.DATA_DIR ?? '.data/bench');
const ports = Object.fromEntries((process.env.BENCH_PORTS ?? '').split(',').map((p) => p.split(':') as [string, string]));
const names = ['order', 'escrow', 'dispute', 'notification'];
const log = (l: string) => process.stderr.write(`${l}\n`);

const waitReady = async (url: string, child: ChildProcess): Promise<void> => {
  const until = Date.now() + 90_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${url} exited with ${child.exitCode}`);
    if (
      await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1000) }).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready after 90 s`);
};

const stack: (() => Promise<void>)[] = [];
const children: { n: string; child: ChildProcess }[] = [];
let stopping = false;
const stopAll = async (code = 0) => {
  stopping = true;
  await Promise.all(children.map(({ child }) => stopChild(child, 'SIGINT', 20_000)));
  for (const stop of stack.reverse()) await stop().catch(() => {});
  process.exit(code);
};
process.on('SIGINT', () => void stopAll());
process.on('SIGTERM', () => void stopAll());
process.on('exit', () => children.forEach(({ child }) => child.exitCode === null && child.kill('SIGKILL')));

const main = async () => {
  // --reset semantics: a fresh database, log and mailbox every run.
  for (const d of ['postgres', 'kafka', 'mail', 'logs', 'evidence']) rmSync(path.join(data, d), { recursive: true, force: true });
  mkdirSync(path.join(data, 'logs'), { recursive: true });
  const env = process.env;
  const pg = await startPostgres(data, env, log);
  stack.push(pg.stop);
  const kafka = await startKafka(data, env);
  stack.push(kafka.stop);
  const smtp = await startSmtp(data, env);
  stack.push(smtp.stop);
  const urls = Object.fromEntries(names.map((n) => [n, `http://127.0.0.1:${ports[n]}`]));
  const serviceEnv = {
    ...env,
    DATABASE_URL: pg.url,
    KAFKA_BROKERS: kafka.brokers,
    SMTP_URL: smtp.url,
    SERVICE_URLS: names.map((n) => `${n}=${urls[n]}`).join(','),
    DATA_DIR: data,
    BLOB_DIR: path.join(data, 'evidence'),
    HOST: '127.0.0.1',
  };
  for (const n of names) {
    const fd = openSync(path.join(data, 'logs', `${n}.log`), 'a');
    const child = spawn(process.execPath, [path.join(ROOT, 'services', n, 'dist', 'main.js')], {
      cwd: ROOT,
      env: { ...serviceEnv, PORT: ports[n] },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    child.once('exit', (code, signal) => !stopping && log(`✗ ${n} service exited (${code ?? signal}); see ${path.join(data, 'logs', `${n}.log`)}`));
    children.push({ n, child });
  }
  await Promise.all(children.map(({ n, child }) => waitReady(urls[n]!, child)));
  process.stdout.write(
    `${JSON.stringify({ ready: true, databaseUrl: pg.url, brokers: kafka.brokers, urls, pids: Object.fromEntries(children.map(({ n, child }) => [n, child.pid])) })}\n`,
  );
};

main().catch((err: unknown) => {
  process.stdout.write(`${JSON.stringify({ ready: false, error: (err as Error).stack ?? String(err) })}\n`);
  void stopAll(1);
});
