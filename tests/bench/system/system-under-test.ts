import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { descendants, type Watched } from './rss';

/**
 * The system as `npm start` runs it: `tsc -b`, then stack.ts as a child process, which starts the
 * same built pieces start.ts does (PostgreSQL in its own process, dev broker and mail sink in the
 * supervisor, the four services as processes) with `--reset` semantics, a scratch data dir and
 * ports of its own (start.ts pins the services to 3001–3004, which a colleague's `npm start` may hold).
 */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const DATA_DIR = '.data/bench';

export interface SystemUnderTest {
  urls: Record<string, string>;
  secret: string;
  databaseUrl: string;
  /** The supervisor (broker, mail sink), the PostgreSQL wrapper, the services, PostgreSQL itself. */
  processes(): Watched[];
  servicePid(name: string): number | undefined;
  inspectPort: number;
  stop(): Promise<void>;
}

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });

/** `npm start` runs `tsc -b` first; a failure is reported, and the bench goes on if dist exists. */
export const build = (say: (l: string) => void): void => {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-b'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) {
    say(`! tsc -b failed (exit ${r.status}); running the last build in dist/:\n${(r.stdout + r.stderr).split('\n').slice(0, 10).join('\n')}`);
    if (!existsSync(path.join(ROOT, 'system/dist/start.js'))) throw new Error('system/dist/start.js missing and tsc -b failed');
  } else say(`tsc -b: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
};

export const startSystem = async (say: (l: string) => void): Promise<SystemUnderTest> => {
  const ports = { order: await freePort(), escrow: await freePort(), dispute: await freePort(), notification: await freePort() };
  const [pgPort, kafkaPort, smtpPort, inspectPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const secret = randomBytes(32).toString('base64url');
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Whatever points the shell elsewhere would make this not the embedded system `npm start` runs.
  for (const k of ['DATABASE_URL', 'KAFKA_BROKERS', 'SMTP_URL', 'SERVICE_URLS', 'PORT']) delete env[k];
  Object.assign(env, {
    DATA_DIR: DATA_DIR,
    CLOCK: 'simulated',
    JWT_SECRET: secret,
    POSTGRES_PORT: String(pgPort),
    KAFKA_DEVBROKER_PORT: String(kafkaPort),
    SMTP_PORT: String(smtpPort),
    BENCH_PORTS: Object.entries(ports)
      .map(([n, p]) => `${n}:${p}`)
      .join(','),
    // Per-request info logs to files would be a large part of the cost; production runs warn+ too.
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    // Each simulated storefront client is one buyer and one seller doing hundreds of writes a minute.
    RATE_LIMIT_WRITES_PER_MINUTE: '0',
    // Only opened on SIGUSR1 (the profile of the order service); a free port, not 9229.
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --inspect-port=127.0.0.1:${inspectPort}`.trim(),
  });
  const child: ChildProcess = spawn(process.execPath, ['--require', path.join(ROOT, 'tools/swc-register.js'), path.join(__dirname, 'stack.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // If the bench dies, the stack stops the services and PostgreSQL itself on SIGTERM.
  const onExit = () => child.kill('SIGTERM');
  process.on('exit', onExit);

  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => {
    err += c.toString();
    say(`[system] ${c.toString().trimEnd()}`);
  });
  const ready = await new Promise<{ databaseUrl: string; urls: Record<string, string>; pids: Record<string, number> }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`system not up after 150 s:\n${out}${err}`)), 150_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      const m = JSON.parse(line) as { ready: boolean; error?: string; databaseUrl: string; urls: Record<string, string>; pids: Record<string, number> };
      if (m.ready) resolve(m);
      else reject(new Error(`the system did not start: ${m.error}`));
    });
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`the system exited (${code}):\n${out}${err}`))));
  });
  child.removeAllListeners('exit');
  const pids = new Map(Object.entries(ready.pids));
  say(`system up: ${[...pids].map(([n, p]) => `${n} pid ${p}`).join(', ')}`);

  const processes = (): Watched[] => {
    const all = descendants(child.pid!);
    const postmaster = all.find((p) => p.comm === 'postgres' && !all.some((q) => q.pid === p.ppid && q.comm === 'postgres'));
    const wrapper = postmaster ? all.find((p) => p.pid === postmaster.ppid) : undefined;
    const list: Watched[] = [{ name: 'supervisor (dev broker, mail sink)', pid: child.pid! }];
    if (wrapper) list.push({ name: 'postgres wrapper (node)', pid: wrapper.pid });
    for (const [n, p] of pids) list.push({ name: `${n} service`, pid: p });
    if (postmaster) {
      list.push({ name: 'postgres postmaster', pid: postmaster.pid });
      for (const b of all.filter((p) => p.ppid === postmaster.pid)) list.push({ name: 'postgres backend (largest)', pid: b.pid });
    }
    return list;
  };

  return {
    urls: ready.urls,
    secret,
    databaseUrl: ready.databaseUrl,
    processes,
    servicePid: (n) => pids.get(n),
    inspectPort,
    stop: async () => {
      process.off('exit', onExit);
      if (child.exitCode !== null) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGINT');
      const t = setTimeout(() => child.kill('SIGKILL'), 60_000);
      await gone;
      clearTimeout(t);
    },
  };
};
