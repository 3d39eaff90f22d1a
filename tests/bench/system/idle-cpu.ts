import { cpuSeconds } from './rss';

/**
 * Idle costs nothing (issue 18 item 5): the CPU each process used while nothing was sent to it,
 * from /proc/<pid>/stat (utime + stime), as % of one core.
 */
export interface IdleCpu {
  seconds: number;
  perProcess: { name: string; pct: number }[];
  totalPct: number;
}

export const IDLE_TARGET_PCT = 2;

export const measureIdleCpu = async (processes: { name: string; pid: number }[], seconds: number): Promise<IdleCpu> => {
  const before = processes.map(({ pid }) => cpuSeconds(pid) ?? 0);
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const perProcess = processes.map(({ name, pid }, i) => ({ name, pct: (((cpuSeconds(pid) ?? 0) - before[i]!) / elapsed) * 100 }));
  return { seconds: elapsed, perProcess, totalPct: perProcess.reduce((a, p) => a + p.pct, 0) };
};
