import { type CommandTrace, MAX_ROUND_TRIPS } from './command-trace';
import { ENDPOINT_TARGET, type EndpointFigures, endpointVerdict } from './endpoint';
import { IDLE_TARGET_PCT, type IdleCpu } from './idle-cpu';
import type { LevelResult } from './load';
import type { EventstoreFigures } from './eventstore';
import type { OpsFigures } from './ops-phase';
import type { ReplayScaleFigures } from './replay-scale';
import { fmt, type Summary } from './stats';

/**
 * Issue 18's targets (items 1-7), each as a line: the target, the figure of this run, the ratio to
 * its peer measured in the same run where there is one, met or not (undefined: not measured).
 */
export interface Issue18Figures {
  endpoints: EndpointFigures | undefined;
  commandTraces: CommandTrace[] | undefined;
  idleCpu: IdleCpu | undefined;
  /** node-postgres' queued-query deprecation, per process group (pg-deprecations.ts). */
  pgQueuedQueryWarnings: Record<string, number>;
  /** Why a phase gave no figure (skipped by env, or failed). */
  missing: Record<string, string>;
}

/** What the lines are judged on: the report's input (report.ts), named here so the two do not import each other. */
export interface Issue18Input {
  issue18: Issue18Figures;
  levels: LevelResult[];
  eventstore: EventstoreFigures | undefined;
  replayScale: ReplayScaleFigures | undefined;
  ops: OpsFigures | undefined;
}

export interface Issue18Line {
  item: number;
  target: string;
  figure: string;
  ratio: string;
  met: boolean | undefined;
}

const ms = (n: number) => fmt(n, n < 10 ? 1 : 0);
const x = (r: number) => `${fmt(r, 2)}×`;
const notMeasured = (item: number, target: string, why: string | undefined): Issue18Line => ({
  item,
  target,
  figure: `not measured${why ? `: ${why}` : ''}`,
  ratio: '–',
  met: undefined,
});

const worstPropagation = (l: LevelResult): { key: string; s: Summary } | undefined =>
  Object.entries(l.logged)
    .filter(([, s]) => s.n > 0)
    .map(([key, s]) => ({ key, s }))
    .sort((a, b) => b.s.p99 - a.s.p99)[0];

export const issue18Lines = (r: Issue18Input, half: LevelResult | undefined): Issue18Line[] => {
  const f = r.issue18;
  const out: Issue18Line[] = [];

  const endpointTarget = `command endpoint ≥ ${ENDPOINT_TARGET.ratio}× Fastify + emmett append, p99 ≤ ${ENDPOINT_TARGET.p99Ms} ms`;
  if (!f.endpoints) out.push(notMeasured(1, endpointTarget, f.missing.endpoints));
  else {
    const { peer, connections, seconds } = f.endpoints;
    for (const s of f.endpoints.services) {
      const target = `${endpointTarget}: ${s.name}`;
      if ('notMeasured' in s) out.push(notMeasured(1, target, s.notMeasured));
      else {
        const v = endpointVerdict(s, peer);
        out.push({
          item: 1,
          target,
          figure: `${fmt(s.rps)} req/s, p99 ${s.p99} ms${s.non2xx ? ` (${s.non2xx} non-2xx)` : ''}; peer ${fmt(peer.rps)} req/s, p99 ${peer.p99} ms (${connections} connections × ${seconds} s)`,
          ratio: x(v.ratio),
          met: v.met,
        });
      }
    }
  }

  if (!f.commandTraces) out.push(notMeasured(2, `one commit per command, ≤ ${MAX_ROUND_TRIPS} round trips`, f.missing.commandTraces));
  else
    for (const c of f.commandTraces)
      out.push({
        item: 2,
        target: `≤ ${c.commitsAllowed} commit(s), ≤ ${MAX_ROUND_TRIPS} round trips: ${c.name}${c.commitsAllowed > 1 ? ' (provider call between its transactions, E4)' : ''}`,
        figure: `${c.fresh.commits} commit(s), ${c.fresh.roundTrips} round trips (${c.fresh.status}); same key again: ${c.again.replayed ? 'replayed' : '**not replayed**'}, ${c.again.roundTrips} round trips`,
        ratio: '–',
        met: c.met,
      });

  if (!r.eventstore) out.push(notMeasured(3, 'commandHandler ≥ 2× emmett appendToStream; read-all ≥ 2×', 'BENCH_EVENTSTORE_STREAMS=0'));
  else {
    for (const a of r.eventstore.appends)
      out.push({
        item: 3,
        target: `commandHandler ≥ 2× emmett appendToStream, ${a.writers} writer(s)`,
        figure: `${fmt(a.commandHandler)} vs ${fmt(a.emmett)} appends/s (${fmt(r.eventstore.streams)} streams)`,
        ratio: x(a.commandHandler / Math.max(1, a.emmett)),
        met: a.emmett > 0 && a.commandHandler >= 2 * a.emmett,
      });
    const ra = r.eventstore.readAll;
    out.push({
      item: 3,
      target: 'read-all ≥ 2× emmett (gap-safe)',
      figure: `${fmt(ra.bp)} vs ${fmt(ra.emmett)} events/s`,
      ratio: x(ra.bp / Math.max(1, ra.emmett)),
      met: ra.emmett > 0 && ra.bp >= 2 * ra.emmett,
    });
  }

  const peakLifecycles = Math.max(0, ...r.levels.map((l) => l.lifecyclesPerSecond));
  const peak = r.levels.find((l) => l.lifecyclesPerSecond === peakLifecycles);
  const prop = peak && worstPropagation(peak);
  out.push({
    item: 4,
    target: 'consumers apply a batch per partition in one transaction; propagation p99 < 200 ms at the peak level',
    figure: `built: a partition's batch per transaction (at most 100 messages / 200 ms, libs/messaging/src/batch-transaction.ts); propagation p99 at the peak level (${peak ? `${peak.clients} clients, ${fmt(peak.lifecyclesPerSecond, 1)} lifecycles/s` : 'no level'}): ${prop ? `${ms(prop.s.p99)} ms (worst: ${prop.key}, log-based)` : 'not measured'}`,
    ratio: '–',
    met: prop !== undefined && prop.s.p99 < 200,
  });

  if (!f.idleCpu) out.push(notMeasured(5, `idle: the four services < ${IDLE_TARGET_PCT} % CPU together`, f.missing.idleCpu));
  else
    out.push({
      item: 5,
      target: `idle: the four services < ${IDLE_TARGET_PCT} % CPU together`,
      figure: `${fmt(f.idleCpu.totalPct, 2)} % of one core over ${fmt(f.idleCpu.seconds, 1)} s (${f.idleCpu.perProcess.map((p) => `${p.name} ${fmt(p.pct, 2)}`).join(', ')})`,
      ratio: '–',
      met: f.idleCpu.totalPct < IDLE_TARGET_PCT,
    });

  if (peak) {
    const failed = r.levels.reduce((n, l) => n + l.failures, 0);
    out.push({
      item: 6,
      target: '≥ 100 complete lifecycles/s, 0 failed',
      figure: `peak ${fmt(peakLifecycles, 1)} lifecycles/s at ${peak.clients} clients; ${failed} failed over every level`,
      ratio: '–',
      met: peakLifecycles >= 100 && failed === 0,
    });
  }
  if (half)
    out.push({
      item: 6,
      target: 'order command p99 < 50 ms at half of peak',
      figure: `${ms(half.orderCommands.p99)} ms at ${half.clients} clients (${fmt(half.lifecyclesPerSecond, 1)} lifecycles/s)`,
      ratio: '–',
      met: half.orderCommands.p99 < 50,
    });
  const scaled = r.replayScale?.services.find((s) => s.service === 'dispute');
  const live = r.ops?.replay.find((s) => s.service === 'dispute');
  const replay = scaled
    ? { rate: scaled.eventsPerSecond, on: `${fmt(r.replayScale!.eventsPerService)}-event log` }
    : live
      ? { rate: live.eventsPerSecond, on: `the live log (${fmt(live.logEvents)} events)` }
      : undefined;
  if (!replay) out.push(notMeasured(6, 'dispute replay ≥ 50,000 events/s', 'no replay figure'));
  else
    out.push({
      item: 6,
      target: 'dispute replay ≥ 50,000 events/s',
      figure: `${fmt(replay.rate)} events/s on ${replay.on}`,
      ratio: '–',
      met: replay.rate >= 50_000,
    });

  const warnings = Object.entries(f.pgQueuedQueryWarnings);
  const total = warnings.reduce((n, [, c]) => n + c, 0);
  out.push({
    item: 7,
    target: 'pg 9 readiness: no query queued on a busy client (deprecation warnings in the run)',
    figure: `${total} (${warnings.map(([k, c]) => `${k} ${c}`).join(', ')}; Node prints it once per process)`,
    ratio: '–',
    met: total === 0,
  });
  return out;
};

export const verdictWord = (met: boolean | undefined) => (met === undefined ? 'not measured' : met ? 'met' : 'NOT met');

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The report's section: one row per line, then each traced command's statements. */
export const renderIssue18 = (r: Issue18Input, half: LevelResult | undefined): string[] => {
  const L: string[] = ['## Issue-18 targets', ''];
  L.push('| # | target | figure | ratio to peer | verdict |', '| ---: | --- | --- | ---: | --- |');
  for (const l of issue18Lines(r, half)) {
    const v = verdictWord(l.met);
    L.push(`| ${l.item} | ${cell(l.target)} | ${cell(l.figure)} | ${l.ratio} | ${l.met === false ? `**${v}**` : v} |`);
  }
  L.push(
    '',
    'Peers: item 1, a bare Fastify 5 server whose `POST /orders` does one emmett `appendToStream` (tests/bench/system/endpoint.ts), same autocannon, connections and PostgreSQL; item 3, emmett in tests/bench/eventstore.bench.ts. ' +
      'Item 5 is measured on the system under test right after it started (a warm-up, then nothing sent); item 7 counts the warning in the services’ logs, the endpoint servers’ stderr and the command trace’s process.',
    '',
  );
  const traces = r.issue18.commandTraces;
  if (traces?.length) {
    L.push('### One keyed command, statement by statement (item 2)', '');
    for (const c of traces) {
      L.push(`${c.name}: ${c.fresh.commits} commit(s), ${c.fresh.roundTrips} round trips`, '');
      c.fresh.trace.forEach((s, i) =>
        L.push(`${i + 1}. [conn ${s.client}]${s.pipelined ? ' (pipelined)' : ''} \`${s.text.slice(0, 150).replace(/`/g, "'")}\``),
      );
      L.push('');
    }
  }
  return L;
};
