import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './system-under-test';

/**
 * Issue 10 asks the event store's appends to be rechecked against emmett in the same run: the
 * foundation benchmark (tests/bench/eventstore.bench.ts) runs as a child process against this run's
 * PostgreSQL (its own scratch database), and its figures are parsed from its output.
 */
export interface EventstoreFigures {
  streams: number;
  /** appends/s per writer count: emmett, bp one-statement append, bp command handler, raw commit ceiling. */
  appends: { writers: number; emmett: number; bp: number; bpInTransaction: number; commandHandler: number; raw: number }[];
  readAll: { emmett: number; bp: number };
  output: string;
}

const figure = (out: string, label: RegExp): number => {
  const line = out.split('\n').find((l) => label.test(l));
  const m = line?.match(/: ([\d,]+)(?:\s|$)/);
  return m ? Number(m[1]!.replace(/,/g, '')) : 0;
};

export const measureEventstore = (databaseUrl: string, streams: number, say: (l: string) => void): EventstoreFigures => {
  const r = spawnSync(process.execPath, ['--require', './tools/swc-register.js', path.join('tests/bench/eventstore.bench.ts')], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, BENCH_STREAMS: String(streams), BENCH_ROUNDS: '4', BENCH_READ_PASSES: '2' },
    encoding: 'utf8',
    timeout: 15 * 60_000,
  });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  for (const l of output.split('\n')) if (l.trim()) say(`  ${l}`);
  const appends = [1, 16].map((w) => {
    const at = (what: string) => figure(output, new RegExp(`^appends/s ${w} writer\\(s\\): ${what}`));
    const raw = figure(output, new RegExp(`^commits/s ${w} writer\\(s\\): raw`));
    return {
      writers: w,
      emmett: at('emmett'),
      bp: at('bp appendToStream\\(pool\\)'),
      bpInTransaction: at('bp appendToStream in withTransaction'),
      commandHandler: at('bp commandHandler'),
      raw,
    };
  });
  return {
    streams,
    appends,
    readAll: { emmett: figure(output, /^read-all events\/s.*emmett/), bp: figure(output, /^read-all events\/s.*bp readAll/) },
    output,
  };
};
