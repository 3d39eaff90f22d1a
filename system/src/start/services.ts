import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultPorts, type ServiceName } from '@bp/runtime';
import { ROOT } from '../local-env';
import { exited, stopChild } from './child';

export interface ServiceProcess {
  name: ServiceName;
  url: string;
  log: string;
  pid(): number | undefined;
}

export interface Supervisor {
  services: ServiceProcess[];
  /** SIGINT to every service (each drains: consumers, relay, scheduler, HTTP, pool), then wait. */
  stop(): Promise<void>;
}

export interface SupervisorOptions {
  names: readonly ServiceName[];
  env: NodeJS.ProcessEnv;
  logs: string;
  host: string;
  /** Reports for the terminal (a death, a restart). */
  say: (line: string) => void;
  readyTimeoutMs?: number;
}

export const mainScript = (name: ServiceName): string => join(ROOT, 'services', name, 'dist', 'main.js');

const tail = (file: string, lines = 15): string => {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
};

/** Polls /health/ready until it answers 200, the child exits, or the time is up. */
const waitReady = async (url: string, child: ChildProcess, timeoutMs: number): Promise<void> => {
  const until = Date.now() + timeoutMs;
  let gone = false;
  void exited(child).then(() => (gone = true));
  for (;;) {
    if (gone) throw new Error(`exited with ${child.exitCode ?? child.signalCode} before it was ready`);
    const ok = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > until) throw new Error(`not ready after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

/**
 * The four services as separate processes (`node services/<svc>/dist/main.js`), exactly as they run
 * in production, each on its default port with the shared environment. A service that dies after it
 * was ready is reported and restarted (at most 5 times a minute, then left down and reported): the
 * log and the outbox make a restart lose nothing, and it keeps a long demo session going.
 */
export const startServices = async (o: SupervisorOptions): Promise<Supervisor> => {
  let stopping = false;
  const children = new Map<ServiceName, ChildProcess>();
  const restarts = new Map<ServiceName, number[]>();

  const spawnOne = (name: ServiceName): ChildProcess => {
    const log = join(o.logs, `${name}.log`);
    const fd = openSync(log, 'a');
    // detached: own process group, so Ctrl-C reaches the supervisor, which stops the services in
    // order; a second SIGINT straight from the terminal would make a service exit uncleanly.
    const child = spawn(process.execPath, [mainScript(name)], {
      cwd: ROOT,
      env: { ...o.env, PORT: String(defaultPorts[name]) },
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    children.set(name, child);
    child.once('exit', (code, signal) => {
      if (stopping || children.get(name) !== child) return;
      const now = Date.now();
      const recent = (restarts.get(name) ?? []).filter((t) => now - t < 60_000);
      if (recent.length >= 5) {
        o.say(`✗ ${name} service exited (${code ?? signal}) and keeps dying; left down. Last lines of ${log}:\n${tail(log)}`);
        return;
      }
      restarts.set(name, [...recent, now]);
      o.say(`✗ ${name} service exited (${code ?? signal}); restarting it (log: ${log})`);
      setTimeout(() => {
        if (stopping) return;
        const next = spawnOne(name);
        waitReady(urlOf(name), next, o.readyTimeoutMs ?? 60_000).then(
          () => o.say(`✓ ${name} service is back on ${urlOf(name)}`),
          (err: Error) => stopping || o.say(`✗ ${name} service did not come back: ${err.message}`),
        );
      }, 1000);
    });
    return child;
  };
  const urlOf = (name: ServiceName) => `http://${o.host}:${defaultPorts[name]}`;

  const stop = async () => {
    stopping = true;
    await Promise.all([...children.values()].map((c) => stopChild(c, 'SIGINT', 20_000)));
  };

  for (const name of o.names) {
    if (!existsSync(mainScript(name))) throw new Error(`${mainScript(name)} is missing: build first (npm start runs tsc -b)`);
  }
  const started = o.names.map((name) => ({ name, child: spawnOne(name) }));
  try {
    await Promise.all(
      started.map(({ name, child }) =>
        waitReady(urlOf(name), child, o.readyTimeoutMs ?? 60_000).catch((err: Error) => {
          throw new Error(`${name} service ${err.message}. Last lines of ${join(o.logs, `${name}.log`)}:\n${tail(join(o.logs, `${name}.log`))}`);
        }),
      ),
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    services: o.names.map((name) => ({ name, url: urlOf(name), log: join(o.logs, `${name}.log`), pid: () => children.get(name)?.pid })),
    stop,
  };
};
