/**
 * Idle costs nothing (issue 18 item 5): the four services started as processes (simulated clock, as
 * in the crash suites), left idle, and the CPU each one used meanwhile read from /proc/<pid>/stat
 * (utime + stime). Nothing is sent to them while measuring.
 *
 *   node --require ./tools/swc-register.js tests/bench/idle-cpu.bench.ts
 *
 * Env: DATABASE_URL (default the test server; a scratch database is created and dropped), BP_KAFKA
 * (devbroker for the dev broker, else Apache Kafka where Java is), BENCH_IDLE_S (default 30),
 * BENCH_WARMUP_S (default 10: start-up work, consumer group joins). Prints per service and the
 * total as % of one core, then `N passed, N failed` against the target < 2 % total.
 */
import { readFileSync } from 'node:fs';
import { ServiceNames } from '@bp/runtime';
import { startServiceProcesses } from '../e2e/crash/support/processes';

const TICKS_PER_S = 100; // getconf CLK_TCK on Linux
const idleS = Number(process.env.BENCH_IDLE_S ?? 30);
const warmupS = Number(process.env.BENCH_WARMUP_S ?? 10);
const TARGET_PCT = 2;

/** utime + stime of one process, in clock ticks (fields 14 and 15 of /proc/<pid>/stat). */
const cpuTicks = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
};

const main = async () => {
  const system = await startServiceProcesses({ readyTimeoutMs: 120_000 });
  try {
    await new Promise((r) => setTimeout(r, warmupS * 1000));
    const pids = ServiceNames.map((name) => ({ name, pid: system.pid(name)! }));
    const before = pids.map(({ pid }) => cpuTicks(pid));
    const t0 = process.hrtime.bigint();
    await new Promise((r) => setTimeout(r, idleS * 1000));
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const pct = pids.map(({ pid }, i) => ((cpuTicks(pid) - before[i]!) / TICKS_PER_S / seconds) * 100);
    const total = pct.reduce((a, b) => a + b, 0);
    console.log(`idle ${seconds.toFixed(1)} s after ${warmupS} s warm-up, broker ${system.kafka.kind}`);
    pids.forEach(({ name }, i) => console.log(`  ${name.padEnd(13)} ${pct[i]!.toFixed(2)} % of one core`));
    console.log(`  total         ${total.toFixed(2)} % (target < ${TARGET_PCT} %)`);
    const met = total < TARGET_PCT;
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
