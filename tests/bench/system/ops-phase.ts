import { spawn } from 'node:child_process';
import path from 'node:path';
import { rebuildProjections } from '@bp/eventstore';
import type { ServiceModule, ServiceName } from '@bp/runtime';
import * as dispute from '../../../services/dispute/src';
import * as escrow from '../../../services/escrow/src';
import * as notification from '../../../services/notification/src';
import * as order from '../../../services/order/src';
import { opsContextFromEnv } from '../../../system/src/ops/context';
import { serviceContextFor } from '../../../system/src/ops/service-context';
import { verify } from '../../../system/src/ops/verify';
import { Caller } from './clients';
import { Recorder } from './stats';
import { ROOT, type SystemUnderTest } from './system-under-test';

/**
 * After the load: how fast each service's read models rebuild from its log, and how long the
 * cross-service check takes over everything the run created. Replay is measured twice:
 * `ops replay <service>` as an operator runs it (the built CLI: process start, a checksum of every
 * table before and after, IDENTICAL or not against what the live system built), then
 * rebuildProjections called directly (every projection at once), which is the replay speed itself.
 */
export interface ReplayFigure {
  service: ServiceName;
  cliSeconds: number;
  cliEvents: number;
  identical: boolean;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  logEvents: number;
}

export interface OpsFigures {
  replay: ReplayFigure[];
  verifySeconds: number;
  verifyViolations: number;
  verifyCounts: Record<string, number>;
  ledgerVerifySeconds: number;
  ledgerOrdersChecked: number;
}

const namespaces: Record<ServiceName, Record<string, unknown>> = { order, escrow, dispute, notification };

/** Found by shape, as system/src/modules.ts does (swc-register maps only libs/ to sources). */
const moduleOf = (name: ServiceName): ServiceModule => {
  const m = Object.values(namespaces[name]).find(
    (v): v is ServiceModule => typeof v === 'object' && v !== null && (v as ServiceModule).name === name && typeof (v as ServiceModule).routes === 'function',
  );
  if (!m) throw new Error(`no ServiceModule exported by ${name}`);
  return m;
};

const cliReplay = (sut: SystemUnderTest, service: string): Promise<{ seconds: number; events: number; identical: boolean; out: string }> =>
  new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [path.join(ROOT, 'system/dist/ops/cli.js'), 'replay', service], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: sut.databaseUrl,
        JWT_SECRET: sut.secret,
        SERVICE_URLS: Object.entries(sut.urls)
          .map(([n, u]) => `${n}=${u}`)
          .join(','),
        LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const events = [...out.matchAll(/replayed (\d+) events/g)].reduce((n, m) => n + Number(m[1]), 0);
      resolve({ seconds: (performance.now() - t0) / 1000, events, identical: code === 0 && !out.includes('DIFFERENT'), out });
    });
  });

export const measureOps = async (sut: SystemUnderTest, say: (l: string) => void): Promise<OpsFigures> => {
  const ctx = opsContextFromEnv(
    {
      ...process.env,
      DATABASE_URL: sut.databaseUrl,
      JWT_SECRET: sut.secret,
      SERVICE_URLS: Object.entries(sut.urls)
        .map(([n, u]) => `${n}=${u}`)
        .join(','),
    },
    () => true,
  );
  try {
    const replay: ReplayFigure[] = [];
    for (const name of ['order', 'escrow', 'dispute', 'notification'] as const) {
      const cli = await cliReplay(sut, name);
      if (!cli.identical) say(`  ! ops replay ${name}:\n${cli.out.split('\n').slice(0, 12).join('\n')}`);
      const m = moduleOf(name);
      const sctx = serviceContextFor(ctx, m);
      const t0 = performance.now();
      const events = (await rebuildProjections(sctx.store, m.projections?.(sctx) ?? [])).reduce((n, p) => n + p.events, 0);
      const seconds = (performance.now() - t0) / 1000;
      const { rows } = await ctx.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${name}".events`);
      const f: ReplayFigure = {
        service: name,
        cliSeconds: cli.seconds,
        cliEvents: cli.events,
        identical: cli.identical,
        events,
        seconds,
        eventsPerSecond: events / seconds,
        logEvents: rows[0]!.n,
      };
      replay.push(f);
      say(
        `  ${name}: rebuilt ${events} events (log ${f.logEvents}) in ${seconds.toFixed(2)} s = ${f.eventsPerSecond.toFixed(0)} events/s; ops replay ${cli.seconds.toFixed(1)} s, ${cli.identical ? 'IDENTICAL' : 'NOT IDENTICAL'}`,
      );
    }
    const t0 = performance.now();
    const v = await verify(ctx);
    const verifySeconds = (performance.now() - t0) / 1000;
    const ops = new Caller('ops', 'bench-ops', sut.secret, sut.urls, { current: new Recorder() });
    const t1 = performance.now();
    const lv = await ops.call('escrow', 'GET', '/ledger/verify', 'GET /ledger/verify');
    const ledgerVerifySeconds = (performance.now() - t1) / 1000;
    say(
      `  ops verify: ${verifySeconds.toFixed(2)} s, ${v.violations.length} violation(s); GET /ledger/verify ${ledgerVerifySeconds.toFixed(2)} s (HTTP ${lv.status})`,
    );
    for (const x of v.violations.slice(0, 5)) say(`    ✗ ${x}`);
    return {
      replay,
      verifySeconds,
      verifyViolations: v.violations.length,
      verifyCounts: v.counts,
      ledgerVerifySeconds,
      ledgerOrdersChecked: Number((lv.body as { ordersChecked?: number } | undefined)?.ordersChecked ?? 0),
    };
  } finally {
    await ctx.pool.end();
  }
};
