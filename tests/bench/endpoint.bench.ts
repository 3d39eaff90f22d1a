/**
 * Issue 18 item 1, on its own: `POST /orders` on the order service alone, a dispute message and an
 * escrow payment on theirs, against a bare Fastify 5 + emmett appendToStream endpoint, autocannon,
 * 50 connections (tests/bench/system/endpoint.ts; `npm run bench` runs the same inside the whole run).
 *
 *   DATABASE_URL=… node --require ./tools/swc-register.js tests/bench/endpoint.bench.ts
 *
 * Env: DATABASE_URL (default the test server; a scratch database is created and dropped),
 * KAFKA_BROKERS (else the dev broker runs as a child process), BENCH_ENDPOINT_SECONDS (default 10),
 * BENCH_ENDPOINT_CONNECTIONS (default 50). Prints req/s, p99 and the ratio to the peer of each, then
 * `N passed, N failed` against ≥ 1.5× the peer and p99 ≤ 30 ms.
 */
import { endpointVerdict, measureEndpoints } from './system/endpoint';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECONDS = Number(process.env.BENCH_ENDPOINT_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_ENDPOINT_CONNECTIONS ?? 50);

const main = async () => {
  console.log(`command endpoints vs Fastify + emmett: ${CONNECTIONS} connections × ${SECONDS} s each`);
  const f = await measureEndpoints(DATABASE_URL, (l) => console.log(l), { seconds: SECONDS, connections: CONNECTIONS });
  let passed = 0;
  let failed = 0;
  for (const s of f.services) {
    if ('notMeasured' in s) failed++;
    else if (endpointVerdict(s, f.peer).met) passed++;
    else failed++;
  }
  console.log(`${passed} passed, ${failed} failed`);
};

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
