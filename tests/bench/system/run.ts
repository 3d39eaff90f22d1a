/**
 * `npm run bench`: the whole system under load, side by side with this machine's ceilings.
 *
 *   node --require ./tools/swc-register.js tests/bench/system/run.ts
 *
 * 1. builds and starts the system as `npm start` does (system-under-test.ts), simulated clock, and
 *    measures its four services' CPU while idle (idle-cpu.ts);
 * 2. measures the ceilings: PostgreSQL commits/s (1 and 16 connections), Fastify hello world; the
 *    command endpoints against a Fastify + emmett peer (endpoint.ts); one keyed command's round trips
 *    and commits (command-trace.ts);
 * 3. runs the load levels (load.ts, lifecycle.ts), then an extra pass at the top level with the order
 *    service under the CPU profiler (profile.ts);
 * 4. deadlines with 100,000 pending, coming due steadily and in one burst (deadlines.ts); the event
 *    store against emmett (eventstore.bench.ts, its own scratch database); replay and verify (ops-phase.ts),
 *    and replay on 50,000-event logs (replay.bench.ts, scratch schemas);
 * 5. writes tests/bench/results/report.md and throughput-latency.svg, and prints the report, then the
 *    issue-10 and issue-18 targets (issue18.ts: items 1-7, ratio to a peer of the same run, met / NOT met).
 *
 * Env: BENCH_LEVELS (clients per level, default 2,5,10,20,30), BENCH_LEVEL_SECONDS (20),
 * BENCH_DEADLINE_STEPS (60) × BENCH_DEADLINES_PER_STEP (20) steady, BENCH_DEADLINES (burst size, 2000),
 * BENCH_PENDING (pending deadlines, 100000), BENCH_EVENTSTORE_STREAMS (2000; 0 = skip),
 * BENCH_REPLAY_EVENTS (events per service's log for the replay recheck, 50000; 0 = skip),
 * BENCH_PROFILE_SECONDS (10; 0 = no profile), BENCH_LOG_LEVEL (warn), BENCH_IDLE_WARMUP_SECONDS (60: start-up's garbage is collected meanwhile, see idle-cpu.bench.ts) and
 * BENCH_IDLE_SECONDS (30; 0 = skip), BENCH_ENDPOINT_SECONDS (10; 0 = skip) at BENCH_ENDPOINT_CONNECTIONS (50),
 * BENCH_COMMAND_TRACE (1; 0 = skip).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { measureCeilings } from './ceilings';
import { measureDeadlineBurst, measureDeadlineSteady, type DeadlineResult } from './deadlines';
import { runLevel, type LevelResult } from './load';
import { measureOps, type OpsFigures } from './ops-phase';
import { traceCommands } from './command-trace';
import { measureEndpoints } from './endpoint';
import { measureIdleCpu } from './idle-cpu';
import { issue18Lines, type Issue18Figures, verdictWord } from './issue18';
import { queuedQueryWarningsInLogs, watchQueuedQueryWarnings } from './pg-deprecations';
import { startProfile } from './profile';
import { type EventstoreFigures, measureEventstore } from './eventstore';
import { measureReplayScale, type ReplayScaleFigures } from './replay-scale';
import { halfLoadLevel, renderReport, type ReportInput, verdicts } from './report';
import { RssSampler } from './rss';
import { fmt } from './stats';
import { throughputLatencySvg } from './svg';
import { build, DATA_DIR, ROOT, startSystem } from './system-under-test';

const LEVELS = (process.env.BENCH_LEVELS ?? '2,5,10,20,30')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const LEVEL_SECONDS = Number(process.env.BENCH_LEVEL_SECONDS ?? 20);
const DEADLINES = Number(process.env.BENCH_DEADLINES ?? 2000);
const DEADLINE_STEPS = Number(process.env.BENCH_DEADLINE_STEPS ?? 60);
const DEADLINES_PER_STEP = Number(process.env.BENCH_DEADLINES_PER_STEP ?? 20);
const EVENTSTORE_STREAMS = Number(process.env.BENCH_EVENTSTORE_STREAMS ?? 2000);
const REPLAY_EVENTS = Number(process.env.BENCH_REPLAY_EVENTS ?? 50_000);
const PENDING = Number(process.env.BENCH_PENDING ?? 100_000);
const PROFILE_SECONDS = Number(process.env.BENCH_PROFILE_SECONDS ?? 10);
const IDLE_WARMUP_SECONDS = Number(process.env.BENCH_IDLE_WARMUP_SECONDS ?? 60);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
const ENDPOINT_SECONDS = Number(process.env.BENCH_ENDPOINT_SECONDS ?? 10);
const ENDPOINT_CONNECTIONS = Number(process.env.BENCH_ENDPOINT_CONNECTIONS ?? 50);
const COMMAND_TRACE = process.env.BENCH_COMMAND_TRACE !== '0';
const SERVICES = ['order', 'escrow', 'dispute', 'notification'] as const;
const RESULTS = path.join(ROOT, 'tests/bench/results');
const COMMAND = 'npm run bench   (= node --require ./tools/swc-register.js tests/bench/system/run.ts)';

const say = (line: string) => process.stdout.write(`${line}\n`);

/** Level ≥ 50 (error) lines of each service's pino log, grouped by service, message and error text. */
const serviceErrors = (): { line: string; count: number }[] => {
  const counts = new Map<string, number>();
  for (const n of SERVICES) {
    const file = path.join(ROOT, DATA_DIR, 'logs', `${n}.log`);
    if (!existsSync(file)) continue;
    for (const text of readFileSync(file, 'utf8').split('\n')) {
      if (!text.startsWith('{')) continue;
      try {
        const j = JSON.parse(text) as { level?: number; msg?: string; type?: string; error?: string; err?: { message?: string } };
        if ((j.level ?? 0) < 50) continue;
        const key = `${n}: ${j.msg ?? ''}${j.type ? ` (${j.type})` : ''} — ${(j.error ?? j.err?.message ?? '').slice(0, 160)}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      } catch {
        /* not a log line */
      }
    }
  }
  return [...counts].map(([line, count]) => ({ line, count })).sort((a, b) => b.count - a.count);
};

const main = async (): Promise<void> => {
  const started = Date.now();
  const inProcessWarnings = watchQueuedQueryWarnings();
  const loadBefore = os.loadavg();
  say(
    `system bench: levels ${LEVELS.join(', ')} clients × ${LEVEL_SECONDS} s; load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')} on ${os.cpus().length} cores`,
  );
  build(say);
  const sut = await startSystem(say);
  const pool = new Pool({ connectionString: sut.databaseUrl, max: 4 });
  const notes: string[] = [
    `System started as \`npm start -- --reset\` does, from the same build (system/dist/start/*; tests/bench/system/stack.ts, so that the ports are free ones: start.ts pins 3001–3004), data in \`${DATA_DIR}\`, CLOCK=simulated, LOG_LEVEL=${process.env.BENCH_LOG_LEVEL ?? 'warn'}, RATE_LIMIT_WRITES_PER_MINUTE=0, DB_POOL_MAX default (10); the load generator runs on the same two cores.`,
  ];
  let ok = false;
  try {
    const postgres = (await pool.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
    const issue18: Issue18Figures = { endpoints: undefined, commandTraces: undefined, idleCpu: undefined, pgQueuedQueryWarnings: {}, missing: {} };
    if (IDLE_SECONDS > 0) {
      say(`idle CPU: ${IDLE_WARMUP_SECONDS} s warm-up, then ${IDLE_SECONDS} s with nothing sent…`);
      await new Promise((r) => setTimeout(r, IDLE_WARMUP_SECONDS * 1000));
      issue18.idleCpu = await measureIdleCpu(
        SERVICES.map((name) => ({ name, pid: sut.servicePid(name)! })),
        IDLE_SECONDS,
      );
      say(`  ${issue18.idleCpu.totalPct.toFixed(2)} % of one core: ${issue18.idleCpu.perProcess.map((p) => `${p.name} ${p.pct.toFixed(2)}`).join(', ')}`);
    } else issue18.missing.idleCpu = 'BENCH_IDLE_SECONDS=0';

    say('ceilings:');
    const ceilings = await measureCeilings(sut.databaseUrl, say);

    if (ENDPOINT_SECONDS > 0) {
      say(`command endpoints vs Fastify + emmett (${ENDPOINT_CONNECTIONS} connections × ${ENDPOINT_SECONDS} s each, servers alone in their own processes)…`);
      try {
        issue18.endpoints = await measureEndpoints(sut.databaseUrl, say, { seconds: ENDPOINT_SECONDS, connections: ENDPOINT_CONNECTIONS });
      } catch (err) {
        issue18.missing.endpoints = (err as Error).message;
        say(`  ! endpoints failed: ${issue18.missing.endpoints}`);
      }
    } else issue18.missing.endpoints = 'BENCH_ENDPOINT_SECONDS=0';

    if (COMMAND_TRACE) {
      say('one keyed command, traced (round trips, commits):');
      try {
        issue18.commandTraces = await traceCommands(sut.databaseUrl);
        for (const c of issue18.commandTraces) say(`  ${c.name}: ${c.fresh.commits} commit(s), ${c.fresh.roundTrips} round trips`);
      } catch (err) {
        issue18.missing.commandTraces = (err as Error).message;
        say(`  ! command trace failed: ${issue18.missing.commandTraces}`);
      }
    } else issue18.missing.commandTraces = 'BENCH_COMMAND_TRACE=0';

    const sampler = new RssSampler(() => sut.processes());
    const levels: LevelResult[] = [];
    for (const clients of LEVELS) {
      say(`level: ${clients} clients…`);
      const l = await runLevel(sut, pool, { clients, seconds: LEVEL_SECONDS, tag: `l${clients}`, sampler });
      levels.push(l);
      say(
        `  ${fmt(l.lifecyclesPerSecond, 1)} lifecycles/s (${l.completed} done, ${l.disputes} disputes, ${l.failures} failed); order commands p50/p95/p99 ${fmt(l.orderCommands.p50, 1)}/${fmt(l.orderCommands.p95, 1)}/${fmt(l.orderCommands.p99, 1)} ms`,
      );
      for (const [k, s] of Object.entries(l.logged)) if (s.n) say(`  ${k}: p50 ${fmt(s.p50)} ms, p99 ${fmt(s.p99)} ms (n ${s.n})`);
      say(
        `  peak RSS MB: ${Object.entries(l.rssMb)
          .map(([k, v]) => `${k} ${fmt(v)}`)
          .join(', ')}`,
      );
      for (const s of l.failureSamples) say(`  ! ${s}`);
    }

    let profile: ReportInput['profile'];
    let profileError: string | undefined;
    const orderPid = sut.servicePid('order');
    const top = LEVELS[LEVELS.length - 1]!;
    if (PROFILE_SECONDS > 0 && orderPid) {
      say(`profile: order service (pid ${orderPid}) during ${PROFILE_SECONDS} s at ${top} clients…`);
      try {
        const p = await startProfile(orderPid, sut.inspectPort, path.join(ROOT, DATA_DIR, 'order-service.cpuprofile'));
        const l = await runLevel(sut, pool, { clients: top, seconds: PROFILE_SECONDS, tag: 'profile', sampler });
        const r = await p.stop();
        profile = { clients: top, seconds: l.seconds, ...r };
        for (const h of [...r.top, ...r.topJs]) say(`  ${fmt(h.selfMs).padStart(7)} ms  ${(h.share * 100).toFixed(1).padStart(5)} %  ${h.fn}  ${h.where}`);
      } catch (err) {
        profileError = (err as Error).message;
        say(`  ! profile failed: ${profileError}`);
      }
    }

    const deadlines: DeadlineResult[] = [];
    const sayDeadlines = (d: DeadlineResult) =>
      say(`  lateness p50 ${fmt(d.lateness.p50)} ms, p99 ${fmt(d.lateness.p99)} ms, ${d.fired}/${d.due} fired; longest /ops/clock ${fmt(d.settleMs)} ms`);
    if (DEADLINE_STEPS > 0) {
      say(`deadlines, steady: ${DEADLINE_STEPS} steps × ${DEADLINES_PER_STEP} due, ${PENDING} pending…`);
      deadlines.push(await measureDeadlineSteady(sut, pool, { steps: DEADLINE_STEPS, perStep: DEADLINES_PER_STEP, pendingTotal: PENDING, say }));
      sayDeadlines(deadlines[deadlines.length - 1]!);
    }
    if (DEADLINES > 0) {
      say(`deadlines, burst: ${DEADLINES} due at once, ${PENDING} pending…`);
      deadlines.push(await measureDeadlineBurst(sut, pool, { due: DEADLINES, pendingTotal: PENDING, concurrency: 16, say }));
      sayDeadlines(deadlines[deadlines.length - 1]!);
    }

    let eventstore: EventstoreFigures | undefined;
    if (EVENTSTORE_STREAMS > 0) {
      say(`event store vs emmett (${EVENTSTORE_STREAMS} streams per run)…`);
      eventstore = measureEventstore(sut.databaseUrl, EVENTSTORE_STREAMS, say);
    }

    say('replay and verify:');
    let ops: OpsFigures | undefined;
    try {
      ops = await measureOps(sut, say);
    } catch (err) {
      say(`  ! replay/verify failed: ${(err as Error).stack ?? String(err)}`);
    }

    let replayScale: ReplayScaleFigures | undefined;
    if (REPLAY_EVENTS > 0) {
      say(`replay on ${REPLAY_EVENTS}-event logs…`);
      replayScale = measureReplayScale(sut.databaseUrl, REPLAY_EVENTS, say);
    }

    const input: ReportInput = {
      facts: {
        command: COMMAND,
        startedAt: new Date(started).toISOString(),
        minutes: (Date.now() - started) / 60_000,
        cores: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? '?',
        node: process.version,
        postgres: `PostgreSQL ${postgres}`,
        loadBefore,
        loadAfter: os.loadavg(),
        levelsSeconds: LEVEL_SECONDS,
        notes,
      },
      ceilings,
      levels,
      deadlines,
      eventstore,
      ops,
      replayScale,
      profile,
      profileError,
      serviceErrors: serviceErrors(),
      issue18,
    };
    issue18.pgQueuedQueryWarnings = {
      ...queuedQueryWarningsInLogs(path.join(ROOT, DATA_DIR, 'logs'), SERVICES),
      'endpoint servers': issue18.endpoints?.pgQueuedQueryWarnings ?? 0,
      'command trace (in process)': inProcessWarnings.count(),
    };
    const report = renderReport(input);
    const svg = throughputLatencySvg({
      title: 'Whole system: throughput vs p99 latency per load level',
      xLabel: 'completed lifecycles/s',
      yLabel: 'p99 latency (ms)',
      series: [
        {
          name: 'order commands p99',
          color: '#1f77b4',
          points: levels.map((l) => ({ x: l.lifecyclesPerSecond, y: l.orderCommands.p99, label: `${l.clients} clients` })),
        },
        {
          name: 'POST /payments p99',
          color: '#2ca02c',
          points: levels.map((l) => ({ x: l.lifecyclesPerSecond, y: l.endpoints['POST /payments']?.p99 ?? 0, label: `${l.clients}` })),
        },
        {
          name: 'PaymentCaptured→OrderPaid p99',
          color: '#d62728',
          points: levels.map((l) => ({ x: l.lifecyclesPerSecond, y: l.logged['PaymentCaptured → order OrderPaid']?.p99 ?? 0, label: `${l.clients}` })),
        },
        {
          name: 'OrderCompleted→FundsReleased p99',
          color: '#9467bd',
          points: levels.map((l) => ({ x: l.lifecyclesPerSecond, y: l.logged['OrderCompleted → escrow FundsReleased']?.p99 ?? 0, label: `${l.clients}` })),
        },
      ],
    });
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(path.join(RESULTS, 'report.md'), report);
    writeFileSync(path.join(RESULTS, 'throughput-latency.svg'), svg);
    say('');
    say(report);
    say('targets:');
    for (const v of verdicts(input)) say(`  ${v.holds === undefined ? 'n/a ' : v.holds ? 'HOLDS' : 'FAILS'}  ${v.target}: ${v.figure}`);
    say('Issue-18 targets:');
    for (const l of issue18Lines(input, halfLoadLevel(levels)))
      say(`  ${l.item}. ${verdictWord(l.met).padEnd(12)} ${l.target}: ${l.figure}${l.ratio === '–' ? '' : ` — ${l.ratio} its peer`}`);
    say(`wrote ${path.relative(ROOT, RESULTS)}/report.md and throughput-latency.svg`);
    ok = true;
  } finally {
    await pool.end().catch(() => {});
    say('stopping the system…');
    await sut.stop();
    say(`done in ${((Date.now() - started) / 60_000).toFixed(1)} min${ok ? '' : ' (FAILED)'}`);
  }
};

main().catch((err: unknown) => {
  process.stderr.write(`system bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
