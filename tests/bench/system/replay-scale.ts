import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { ServiceName } from '@bp/runtime';
import { ROOT } from './system-under-test';

/**
 * Replay speed on logs of a realistic size: the live run's logs hold 10–70 k events, where a
 * rebuild's fixed costs (truncate, first page, planning) weigh. tests/bench/replay.bench.ts runs as
 * a child process against this run's PostgreSQL (scratch schemas) with BENCH_EVENTS events per
 * service, and its figures are parsed from its output.
 */
export interface ReplayScaleFigure {
  service: ServiceName;
  logEvents: number;
  replayed: number;
  seconds: number;
  eventsPerSecond: number;
  nodeCpuSeconds: number;
}

export interface ReplayScaleFigures {
  eventsPerService: number;
  services: ReplayScaleFigure[];
  output: string;
}

const LINE = /^\s*(order|escrow|dispute|notification)\s+log (\d+)\s+replayed (\d+).*new ([\d.]+) s = ([\d,]+) events\/s \(node CPU ([\d.]+) s\)/;

export const measureReplayScale = (databaseUrl: string, events: number, say: (l: string) => void): ReplayScaleFigures => {
  const r = spawnSync(process.execPath, ['--require', './tools/swc-register.js', path.join('tests/bench/replay.bench.ts')], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, BENCH_EVENTS: String(events), BENCH_OLD: '0' },
    encoding: 'utf8',
    timeout: 10 * 60_000,
  });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const summary = output.slice(output.indexOf('\nreplay, events/s'));
  for (const l of summary.split('\n')) if (l.trim()) say(`  ${l.trim()}`);
  const services = summary
    .split('\n')
    .map((l) => LINE.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({
      service: m[1] as ServiceName,
      logEvents: Number(m[2]),
      replayed: Number(m[3]),
      seconds: Number(m[4]),
      eventsPerSecond: Number(m[5]!.replace(/,/g, '')),
      nodeCpuSeconds: Number(m[6]),
    }));
  if (r.status !== 0 || services.length === 0) say(`  ! replay bench exited ${r.status}:\n${output.split('\n').slice(-12).join('\n')}`);
  return { eventsPerService: events, services, output };
};
