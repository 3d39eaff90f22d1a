/**
 * Idle costs nothing (issue 18 item 5): the four services started as processes (simulated clock, as
 * in the crash suites), left idle, and the CPU each one used meanwhile read from /proc/<pid>/stat
 * (utime + stime). Nothing is sent to them while measuring.
 *
 *   node --require ./tools/swc-register.js tests/bench/idle-cpu.bench.ts
 *
 * Env: DATABASE_URL (default the test server; a scratch database is created and dropped), BP_KAFKA
 * (devbroker for the dev broker, else Apache Kafka where Java is), BENCH_IDLE_S (default 30),
 * BENCH_WARMUP_S (default 60: start-up work, consumer group joins, and V8's memory reducer, which
 * collects start-up's garbage in major GCs over the first minute: perf showed them as most of an
 * idle service's CPU 20-30 s after start and none after 80 s). Prints per service and the
 * total as % of one core, then `N passed, N failed` against the target < 2 % total.
 */
import { ServiceNames } from '@bp/runtime';
import { startServiceProcesses } from '../e2e/crash/support/processes';
import { IDLE_TARGET_PCT, measureIdleCpu } from './system/idle-cpu';

const idleS = Number(process.env.BENCH_IDLE_S ?? 30);
const warmupS = Number(process.env.BENCH_WARMUP_S ?? 60);

const main = async () => {
  const system = await startServiceProcesses({ readyTimeoutMs: 120_000 });
  try {
    await new Promise((r) => setTimeout(r, warmupS * 1000));
    const idle = await measureIdleCpu(
      ServiceNames.map((name) => ({ name, pid: system.pid(name)! })),
      idleS,
    );
    console.log(`idle ${idle.seconds.toFixed(1)} s after ${warmupS} s warm-up, broker ${system.kafka.kind}`);
    for (const p of idle.perProcess) console.log(`  ${p.name.padEnd(13)} ${p.pct.toFixed(2)} % of one core`);
    console.log(`  total         ${idle.totalPct.toFixed(2)} % (target < ${IDLE_TARGET_PCT} %)`);
    const met = idle.totalPct < IDLE_TARGET_PCT;
    console.log(`idle CPU ${met ? 'met' : 'NOT met'}`);
    console.log(`${met ? 1 : 0} passed, ${met ? 0 : 1} failed`);
  } finally {
    await system.stop();
  }
};

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
