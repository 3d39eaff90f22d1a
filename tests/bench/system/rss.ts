import { readdirSync, readFileSync } from 'node:fs';

/**
 * Memory of the system's processes from /proc (Linux only). VmHWM is the kernel's own peak RSS since
 * the process started; VmRSS is sampled during each load level so a level's peak is its own, not an
 * earlier level's. PostgreSQL backends share their buffers, so their RSS is reported per process
 * (the largest), never summed.
 */
export interface Watched {
  name: string;
  pid: number;
}

const statusField = (pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined => {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined; // gone
  }
};

export const rssMb = (pid: number) => statusField(pid, 'VmRSS');
export const hwmMb = (pid: number) => statusField(pid, 'VmHWM');

const procInfo = (pid: number): { ppid: number; comm: string } | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may contain spaces; the fields after the last ')' are fixed.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    return { ppid, comm };
  } catch {
    return undefined;
  }
};

/** Every live descendant of `root` with its command name. */
export const descendants = (root: number): { pid: number; ppid: number; comm: string }[] => {
  const all = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => ({ pid: Number(d), ...procInfo(Number(d)) }))
    .filter((p): p is { pid: number; ppid: number; comm: string } => p.comm !== undefined);
  const out: typeof all = [];
  const frontier = [root];
  while (frontier.length) {
    const parent = frontier.pop()!;
    for (const p of all) if (p.ppid === parent) out.push(p), frontier.push(p.pid);
  }
  return out;
};

/** utime + stime of a process in seconds (clock ticks of 1/100 s on Linux). */
export const cpuSeconds = (pid: number): number | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return undefined;
  }
};

/**
 * Peak VmRSS per name while running (`postgres backend (largest)` is the largest single backend),
 * and CPU seconds per name (summed over every process of that name: all backends together), so a
 * level shows where the two cores went.
 */
export class RssSampler {
  private readonly peaks = new Map<string, number>();
  private readonly cpu = new Map<number, { name: string; first: number; last: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly watched: () => Watched[],
    private readonly everyMs = 250,
  ) {}

  private sample(): void {
    for (const w of this.watched()) {
      const mb = rssMb(w.pid);
      if (mb !== undefined) this.peaks.set(w.name, Math.max(this.peaks.get(w.name) ?? 0, mb));
      const c = cpuSeconds(w.pid);
      const seen = this.cpu.get(w.pid);
      if (c !== undefined) this.cpu.set(w.pid, { name: w.name, first: seen?.first ?? c, last: c });
    }
  }

  start(): void {
    this.peaks.clear();
    this.cpu.clear();
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
  }

  stop(): { rssMb: Record<string, number>; cpuSeconds: Record<string, number> } {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const cpu: Record<string, number> = {};
    for (const { name, first, last } of this.cpu.values()) {
      const key = name.startsWith('postgres backend') ? 'postgres backends (all)' : name;
      cpu[key] = (cpu[key] ?? 0) + (last - first);
    }
    return { rssMb: Object.fromEntries(this.peaks), cpuSeconds: cpu };
  }
}
