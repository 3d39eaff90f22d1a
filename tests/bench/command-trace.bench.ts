/**
 * One command's conversation with PostgreSQL (issue 18 item 2): every statement a service sends
 * while it serves one keyed command, with its round trips and commits (tests/bench/system/command-trace.ts;
 * `npm run bench` runs the same). Three services, four commands: `POST /orders` (order),
 * `POST /disputes` and `POST /disputes/{id}/messages` (dispute), `POST /payments` (escrow: the
 * sandbox provider answers `tok_ok` in process; it commits before asking the provider, E4).
 *
 *   node --require ./tools/swc-register.js tests/bench/command-trace.bench.ts
 *
 * Env: DATABASE_URL (default the test server; scratch schemas, dropped), KAFKA_BROKERS (else the dev
 * broker runs as a child process). Prints the traces (a fresh key, then the same key again), then
 * `N passed, N failed` against ≤ 1 commit and ≤ 3 round trips per command (escrow's POST /payments: 2 commits).
 */
import { traceCommands, traceVerdictLine } from './system/command-trace';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const main = async () => {
  const traces = await traceCommands(DATABASE_URL);
  for (const c of traces) {
    for (const [name, t] of [
      [`${c.name}, fresh Idempotency-Key`, c.fresh],
      ['same key again (replay)', c.again],
    ] as const) {
      console.log(`${name}: ${t.status}${t.replayed ? ' replayed' : ''}, ${t.roundTrips} round trips, ${t.commits} commit(s)`);
      t.trace.forEach((s, i) =>
        console.log(`  ${String(i + 1).padStart(2)}. [conn ${s.client}]${s.pipelined ? ' (pipelined: same round trip)' : ''} ${s.text.slice(0, 150)}`),
      );
    }
    console.log(`${traceVerdictLine(c)} — ${c.met ? 'met' : 'NOT met'}\n`);
  }
  const passed = traces.filter((c) => c.met).length;
  console.log(`${passed} passed, ${traces.length - passed} failed`);
};

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
