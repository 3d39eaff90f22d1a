/**
 * @bp/eventstore vs @event-driven-io/emmett-postgresql 0.42, side by side, one process, one Postgres:
 *   appends/s on 10,000 fresh streams with 1 and 16 concurrent writers, and read-all events/s.
 *
 *   node --require ./tools/swc-register.js tests/bench/eventstore.bench.ts
 *
 * Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test; a scratch database is created
 * next to it and dropped at the end), BENCH_STREAMS (default 10000), BENCH_READ_PASSES (default 3), BENCH_ROUNDS (default 10: the
 * contenders alternate in rounds so load from other jobs on a shared machine hits them alike).
 * Prints one line per figure plus its ratio to emmett, then `N passed, N failed` against the targets
 * (appends >= emmett at 1 and 16 writers, read-all >= emmett).
 */
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { type Decider, START, commandHandler, createEventStore } from '@bp/eventstore';
import { benchMeta, placedEvent } from './support/sample-events';

const baseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const STREAMS = Number(process.env.BENCH_STREAMS ?? 10_000);
const READ_PASSES = Number(process.env.BENCH_READ_PASSES ?? 3);
const BATCH = 1000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);

const meta = benchMeta;
const placed = placedEvent;
type OrderEvent = ReturnType<typeof placed>;
const orderDecider: Decider<{ i: number }, OrderEvent, { placed: boolean }> = {
  initialState: { placed: false },
  decide: (cmd, s) => (s.placed ? [] : [placed(cmd.i)]),
  evolve: () => ({ placed: true }),
};

/** Runs operations `from .. to-1` over `writers` concurrent loops; returns the elapsed seconds. */
const timed = async (writers: number, from: number, to: number, op: (i: number) => Promise<unknown>): Promise<number> => {
  let next = from;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (let i = next++; i < to; i = next++) await op(i);
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
};

/**
 * The machine is shared (2 cores, other jobs), so the contenders run in short interleaved rounds,
 * rotating who goes first: a load spike then hits all of them alike instead of one whole run.
 * Returns operations per second per contender.
 */
const interleaved = async (writers: number, total: number, rounds: number, ops: Record<string, (i: number) => Promise<unknown>>) => {
  const names = Object.keys(ops);
  const seconds = Object.fromEntries(names.map((n) => [n, 0]));
  const per = Math.ceil(total / rounds);
  for (let r = 0; r < rounds; r++) {
    const from = r * per;
    const to = Math.min(total, from + per);
    for (let k = 0; k < names.length; k++) {
      const name = names[(r + k) % names.length]!;
      seconds[name]! += await timed(writers, from, to, ops[name]!);
    }
  }
  return Object.fromEntries(names.map((n) => [n, total / seconds[n]!]));
};

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const main = async () => {
  const dbName = `bench_es_${randomBytes(3).toString('hex')}`;
  const admin = new Pool({ connectionString: baseUrl, max: 1 });
  await admin.query(`CREATE DATABASE ${dbName}`);
  const u = new URL(baseUrl);
  u.pathname = `/${dbName}`;
  const url = u.toString();
  const pools: Pool[] = [];
  const pool = () => {
    const p = new Pool({ connectionString: url, max: 16 });
    p.on('error', () => {}); // DROP DATABASE … WITH (FORCE) ends idle connections at the end
    pools.push(p);
    return p;
  };

  // emmett is ESM-first: load it at run time (its CommonJS build serves a transpiled require too).
  const emmett = await import('@event-driven-io/emmett');
  const emmettPg = await import('@event-driven-io/emmett-postgresql');
  const dumboLib = await import('@event-driven-io/dumbo');

  const emtPool = pool();
  const emt = emmettPg.getPostgreSQLEventStore(url, { connectionOptions: { pool: emtPool } });
  const emtReader = dumboLib.dumbo({ connectionString: url, pool: emtPool });

  const stores = {
    tx: createEventStore({ pool: pool(), schema: 'bp_tx' }),
    stmt: createEventStore({ pool: pool(), schema: 'bp_stmt' }),
    cmd: createEventStore({ pool: pool(), schema: 'bp_cmd' }),
  };
  for (const s of Object.values(stores)) await s.migrate();
  const handle = commandHandler({ store: stores.cmd, decider: orderDecider, streamId: (c: { i: number }) => `order-${c.i}` });
  const rawPool = pool();
  await rawPool.query('CREATE TABLE raw_commits (id bigserial PRIMARY KEY, data jsonb NOT NULL)');

  // Warm-up: schema creation (emmett migrates on first use), plans, connections.
  await emt.appendToStream('warm', [placed(0)], { expectedStreamVersion: emmett.STREAM_DOES_NOT_EXIST });
  for (const s of Object.values(stores)) await s.appendToStream(s.pool, 'warm', 0, [placed(0)], meta);

  const results: { name: string; value: number; emmett?: number; target?: number }[] = [];
  let passed = 0;
  let failed = 0;
  const report = (...rs: typeof results) => {
    for (const r of rs) {
      results.push(r);
      const ratio = r.emmett ? `  ${(r.value / r.emmett).toFixed(2)}x emmett` : '';
      const verdict = r.target === undefined ? '' : r.value >= r.target ? '  ok' : '  BELOW TARGET';
      if (r.target !== undefined) r.value >= r.target ? passed++ : failed++;
      console.log(`${r.name}: ${fmt(r.value)}${ratio}${verdict}`);
    }
  };
  console.log(
    `eventstore bench: ${STREAMS} streams per run, PostgreSQL ${(await admin.query('SHOW server_version')).rows[0].server_version}, database ${dbName}`,
  );

  for (const writers of [1, 16]) {
    const tag = `w${writers}`;
    const rate = await interleaved(writers, STREAMS, ROUNDS, {
      emmett: (i) => emt.appendToStream(`${tag}-${i}`, [placed(i)], { expectedStreamVersion: emmett.STREAM_DOES_NOT_EXIST }),
      tx: (i) => stores.tx.withTransaction((tx) => stores.tx.appendToStream(tx, `${tag}-${i}`, 0, [placed(i)], meta)),
      stmt: (i) => stores.stmt.appendToStream(stores.stmt.pool, `${tag}-${i}`, 0, [placed(i)], meta),
      cmd: (i) => handle({ i: writers * 1_000_000 + i }, { metadata: meta }),
      raw: (i) => rawPool.query('INSERT INTO raw_commits (data) VALUES ($1)', [JSON.stringify(placed(i).data)]),
    });
    const emtRate = rate.emmett!;
    const [txRate, stmtRate, cmdRate, rawRate] = [rate.tx!, rate.stmt!, rate.cmd!, rate.raw!];
    report(
      { name: `appends/s ${writers} writer(s): emmett appendToStream`, value: emtRate },
      { name: `appends/s ${writers} writer(s): bp appendToStream in withTransaction (BEGIN/INSERT/COMMIT)`, value: txRate, emmett: emtRate, target: emtRate },
      { name: `appends/s ${writers} writer(s): bp appendToStream(pool) (one-statement transaction)`, value: stmtRate, emmett: emtRate, target: emtRate },
      { name: `appends/s ${writers} writer(s): bp commandHandler (load, decide, append)`, value: cmdRate, emmett: emtRate },
      { name: `commits/s ${writers} writer(s): raw single-row INSERT (ceiling)`, value: rawRate, emmett: emtRate },
    );
  }

  // Read-all in order, batch 1000, over logs of the same size and payloads (2 × STREAMS + warm-up).
  const readBp = async () => {
    let position = START;
    let n = 0;
    const started = process.hrtime.bigint();
    for (;;) {
      const page = await stores.tx.readAll({ after: position, limit: BATCH });
      n += page.events.length;
      position = page.position;
      if (page.events.length < BATCH) break;
    }
    return { n, rate: n / (Number(process.hrtime.bigint() - started) / 1e9) };
  };
  const readEmt = async () => {
    let after = 0n;
    let n = 0;
    const started = process.hrtime.bigint();
    for (;;) {
      const page = await emmettPg.readMessagesBatch(emtReader.execute, { after, batchSize: BATCH });
      n += page.messages.length;
      after = page.currentGlobalPosition;
      if (!page.areMessagesLeft) break;
    }
    return { n, rate: n / (Number(process.hrtime.bigint() - started) / 1e9) };
  };
  let bestBp = 0;
  let bestEmt = 0;
  for (let pass = 0; pass < READ_PASSES; pass++) {
    const e = await readEmt();
    const b = await readBp();
    // emmett's log also holds a couple of its own messages; a 0.1% size difference is noise here.
    if (Math.abs(e.n - b.n) > 10) throw new Error(`logs differ in size: emmett ${e.n}, bp ${b.n}`);
    if (pass === 0) console.log(`read-all log sizes: emmett ${e.n}, bp ${b.n}`);
    bestEmt = Math.max(bestEmt, e.rate);
    bestBp = Math.max(bestBp, b.rate);
  }
  report(
    { name: `read-all events/s, batch ${BATCH}: emmett readMessagesBatch`, value: bestEmt },
    { name: `read-all events/s, batch ${BATCH}: bp readAll (gap-safe pair cursor)`, value: bestBp, emmett: bestEmt, target: bestEmt },
  );

  await emt.close().catch(() => {});
  await emtReader.close().catch(() => {});
  await Promise.all(pools.map((p) => p.end().catch(() => {})));
  await admin.query(`DROP DATABASE ${dbName} WITH (FORCE)`);
  await admin.end();
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
};

main().catch((e: unknown) => {
  console.error(e);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});
