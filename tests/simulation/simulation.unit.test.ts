// Whole-system deterministic simulation (issue 17). Seeded runs, time-boxed by SIM_BUDGET_MS
// (default 20 s locally; CI sets 60 s), each checking every invariant after every step. A failure
// names its seed; SIM_SEED=<seed> replays exactly that run. BP_RESULTS_FILE=<path> collects the
// figures (runs, steps, invariant checks, seeds). No I/O but that optional append: pure and fast.
import { appendFileSync } from 'node:fs';
import { runSeed, type RunResult } from './run';
import type { OldBehaviour } from './system';

const env = process.env;
const BUDGET_MS = Number(env.SIM_BUDGET_MS ?? 20_000);
const FIRST_SEED = Number(env.SIM_FIRST_SEED ?? 1);
const MIN_RUNS = Number(env.SIM_MIN_RUNS ?? 200);

const explain = (r: RunResult): string => {
  const v = r.violations[0]!;
  return [
    `seed ${r.seed}: ${v.rule} at step ${v.step}: ${v.detail}`,
    `replay: SIM_SEED=${r.seed} npx jest tests/simulation`,
    ...r.trace.slice(-(Number(env.SIM_TRACE_STEPS) || 40)),
  ].join('\n');
};

const record = (line: string): void => {
  if (env.BP_RESULTS_FILE) appendFileSync(env.BP_RESULTS_FILE, `${line}\n`);
};

describe('whole-system simulation: order, escrow and dispute under lag, redelivery, restarts and a moving clock', () => {
  if (env.SIM_SEED) {
    it(`replays seed ${env.SIM_SEED}`, () => {
      const r = runSeed({ seed: Number(env.SIM_SEED) });
      if (r.violations.length) throw new Error(explain(r));
      expect(r.checks).toBeGreaterThan(0);
    });
    return;
  }

  it(
    'S3, E2, D8, R6: seeded runs hold every invariant after every step (time-boxed)',
    () => {
      const started = Date.now();
      let runs = 0;
      let steps = 0;
      let checks = 0;
      let seed = FIRST_SEED;
      const events: Record<string, number> = {};
      for (; Date.now() - started < BUDGET_MS || runs < MIN_RUNS; seed += 1) {
        const r = runSeed({ seed });
        runs += 1;
        steps += r.steps;
        checks += r.checks;
        for (const [k, n] of Object.entries(r.eventTypes)) events[k] = (events[k] ?? 0) + n;
        if (r.violations.length) {
          record(`simulation: FAILED ${explain(r).split('\n')[0]}`);
          throw new Error(explain(r));
        }
      }
      const ms = Date.now() - started;
      const covered = ['DisputeOpened', 'ProtectionEndAcknowledged', 'FundsReleased', 'FastRefundGranted', 'ResendShipped', 'AppealDecided', 'SellerDebited']
        .map((t) => `${t} ${events[t] ?? 0}`)
        .join(', ');
      record(
        `simulation: ${runs} runs (seeds ${FIRST_SEED}..${seed - 1}), ${steps} steps, ${checks} invariant checks, 0 violations in ${ms} ms; events: ${covered}`,
      );
      expect(runs).toBeGreaterThanOrEqual(MIN_RUNS);
      // the runs reach the interesting places (otherwise "0 violations" would mean little)
      expect(events.DisputeOpened ?? 0).toBeGreaterThan(runs / 10);
      expect(events.ProtectionEndAcknowledged ?? 0).toBeGreaterThan(0);
      expect(events.AppealDecided ?? 0).toBeGreaterThan(0);
    },
    BUDGET_MS + 120_000,
  );

  // Each bug of issue 17 put back by a switch (system.ts OldBehaviour) fails a seed, and the fix passes
  // that seed. Recorded seeds first (the first ones failing with each switch over seeds 1..4000); a
  // change elsewhere in the domain shifts a seed's path, so when none of them fails any more the
  // test scans on (SIM_REGRESSION_SCAN seeds) and names the seed to record.
  const SCAN = Number(env.SIM_REGRESSION_SCAN ?? 4000);
  const regressions: { bug: string; old: OldBehaviour; seeds: number[]; rule: string }[] = [
    {
      bug: 'S3: auto-confirm released while a dispute could still be opened (no handshake)',
      old: { autoConfirmWithoutHandshake: true },
      seeds: [2, 3, 9],
      rule: 'RELEASE_WHILE_DISPUTE_POSSIBLE',
    },
    {
      bug: 'S3: auto-confirm released while a dispute was open (consumer lag)',
      old: { autoConfirmWithoutHandshake: true },
      seeds: [17, 43, 461],
      rule: 'RELEASE_WHILE_DISPUTE_OPEN',
    },
    {
      bug: 'R7/R8: an appeal overturning a resend ruling settled while the order went on in transit',
      old: { appealIgnoredByOrder: true },
      seeds: [174, 714, 1427],
      rule: 'SETTLEMENT_IGNORED_BY_ORDER',
    },
    {
      bug: 'D8: a ruling while the evidence window was open',
      old: { ruleDuringEvidenceWindow: true },
      seeds: [17, 32, 46],
      rule: 'D8_RULED_DURING_EVIDENCE_WINDOW',
    },
    {
      bug: 'R6/O12: the fast refund followed the current level, not the level at opening',
      old: { fastRefundAtCurrentLevel: true },
      seeds: [17, 160, 288],
      rule: 'A4_FAST_REFUND_NOT_AT_OPENING_LEVEL',
    },
    {
      bug: 'R6/D7 (found by the simulation): a withdrawal after a fast refund left the advance unsettled',
      old: { withdrawAfterFastRefund: true },
      seeds: [566, 702, 866],
      rule: 'DEAD_LETTER',
    },
    {
      bug: 'R6/D9 (found by the simulation): a resend ruled after a fast refund let a second dispute settle the same money',
      old: { resendAfterFastRefund: true },
      seeds: [18368],
      rule: 'DEAD_LETTER',
    },
    {
      bug: 'R5/R7 (found by the simulation): an appeal settled a dispute released by a resend, and a second dispute settled the same money',
      old: { earlierDisputeSettlesAgain: true },
      seeds: [16678],
      rule: 'DEAD_LETTER',
    },
  ];
  const failing = (old: OldBehaviour, rule: string, seeds: number[]): number | undefined => {
    const fails = (seed: number) => runSeed({ seed, old }).violations.some((v) => v.rule === rule);
    return seeds.find(fails) ?? Array.from({ length: SCAN }, (_, i) => i + 1).find((seed) => !seeds.includes(seed) && fails(seed));
  };
  it.each(regressions)(
    'regression: $bug',
    ({ old, seeds, rule }) => {
      const seed = failing(old, rule, seeds);
      if (seed === undefined) throw new Error(`no seed of ${seeds.join(', ')} or 1..${SCAN} breaks ${rule} with the old behaviour any more`);
      const fixed = runSeed({ seed });
      if (fixed.violations.length) throw new Error(explain(fixed));
      expect(fixed.checks).toBeGreaterThan(0);
    },
    300_000,
  );
});
