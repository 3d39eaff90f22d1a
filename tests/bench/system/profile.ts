import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './system-under-test';

/**
 * A CPU profile of one running service (the order service at the top load level): SIGUSR1 opens its
 * inspector on the port the bench gave every process (--inspect-port in NODE_OPTIONS), profile-agent
 * records with the V8 sampling profiler (1 ms), and the .cpuprofile is summarized as self time per
 * function. Equivalent to `node --cpu-prof` but scoped to one load level instead of the process life.
 */
export interface Hotspot {
  fn: string;
  where: string;
  selfMs: number;
  share: number;
}

export interface Profiling {
  stop(): Promise<{ file: string; top: Hotspot[]; topJs: Hotspot[]; totalMs: number }>;
}

const waitMessage = (child: ChildProcess, expected: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const onMessage = (m: unknown) => {
      if (m === expected) child.off('message', onMessage), resolve();
      else if (typeof m === 'string' && m.startsWith('error')) reject(new Error(m));
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`profile agent exited ${code}`)));
  });

export const startProfile = async (pid: number, inspectPort: number, outFile: string): Promise<Profiling> => {
  process.kill(pid, 'SIGUSR1');
  let wsUrl: string | undefined;
  for (let i = 0; i < 50 && !wsUrl; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const list = await fetch(`http://127.0.0.1:${inspectPort}/json/list`).then(
      (r) => r.json() as Promise<{ webSocketDebuggerUrl: string }[]>,
      () => [],
    );
    wsUrl = list[0]?.webSocketDebuggerUrl;
  }
  if (!wsUrl) throw new Error(`the inspector of pid ${pid} did not open on ${inspectPort}`);
  const agent = fork(path.join(__dirname, 'profile-agent.ts'), [wsUrl, outFile], {
    execArgv: ['--experimental-websocket', '--no-warnings', '--require', path.join(ROOT, 'tools/swc-register.js')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await waitMessage(agent, 'started');
  return {
    stop: async () => {
      const done = waitMessage(agent, 'done');
      agent.send('stop');
      await done;
      return { file: outFile, ...summarizeProfile(outFile) };
    },
  };
};

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function (name + file:line), idle excluded, largest first. */
export const summarizeProfile = (file: string, top = 5): { top: Hotspot[]; topJs: Hotspot[]; totalMs: number } => {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const frame = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map<string, { fn: string; where: string; us: number }>();
  let total = 0;
  p.samples.forEach((nodeId, i) => {
    const f = frame.get(nodeId);
    if (!f || f.functionName === '(idle)') return;
    const dt = p.timeDeltas[i] ?? 0;
    total += dt;
    const where = f.url ? `${f.url.replace(`file://${ROOT}/`, '').replace(`${ROOT}/`, '')}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName}@${where}`;
    const e = self.get(key) ?? { fn: f.functionName || '(anonymous)', where, us: 0 };
    e.us += dt;
    self.set(key, e);
  });
  const sorted = [...self.values()].sort((a, b) => b.us - a.us);
  const view = (e: { fn: string; where: string; us: number }): Hotspot => ({ fn: e.fn, where: e.where, selfMs: e.us / 1000, share: total ? e.us / total : 0 });
  return {
    totalMs: total / 1000,
    top: sorted.slice(0, top).map(view),
    topJs: sorted
      .filter((e) => e.where)
      .slice(0, top)
      .map(view),
  };
};
