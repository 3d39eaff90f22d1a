import { type EventStore, type Projection, allSettledOrThrow, catchUpProjection, rebuildProjection } from '@bp/eventstore';
import type { ServiceModule } from '@bp/runtime';
import type { PoolClient } from 'pg';
import type { OpsContext } from './context';
import { replayProgress } from './replay-progress';
import { serviceContextFor } from './service-context';

export interface TableChecksum {
  table: string;
  rows: number;
  md5: string;
}

export interface ProjectionReplay {
  projection: string;
  /** Events the rebuild applied, including those written meanwhile and caught up at the swap. */
  events: number;
  /** Of those, written while the rebuild ran (applied to the shadow tables at the swap). */
  caughtUp: number;
  before: TableChecksum[];
  after: TableChecksum[];
  identical: boolean;
  /** How long readers of the read model were held by the swap (its ACCESS EXCLUSIVE part). */
  swapMs: number;
}

export interface ReplayOptions {
  /** Progress line interval (default 1000 ms). */
  progressEveryMs?: number;
}

interface Table {
  schema: string;
  name: string;
}

const sql = (t: Table): string => `"${t.schema}"."${t.name}"`;

/** Lock waits at the swap give up after this and the swap is tried again: readers never queue long behind it. */
const SWAP_LOCK_TIMEOUT = '2s';
const SWAP_ATTEMPTS = 5;
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * A projection declares no table names, so they are observed: inside a savepoint, `reset` (a
 * TRUNCATE or DELETE) takes its write locks on exactly the projection's tables; pg_locks lists
 * them, and the savepoint is rolled back (which releases the locks at once).
 */
const projectionTables = async (tx: PoolClient, p: Projection): Promise<Table[]> => {
  await tx.query('SAVEPOINT probe');
  await p.reset(tx);
  const { rows } = await tx.query<Table>(
    `SELECT DISTINCT n.nspname AS schema, c.relname AS name
       FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND c.relkind IN ('r', 'p')
        AND l.mode IN ('AccessExclusiveLock', 'RowExclusiveLock') ORDER BY 1, 2`,
  );
  await tx.query('ROLLBACK TO SAVEPOINT probe');
  return rows;
};

/** Order-independent content checksum: md5 over the sorted md5s of every row's text form. */
const checksum = async (tx: PoolClient, table: Table, as: Table = table): Promise<TableChecksum> => {
  const { rows } = await tx.query<{ rows: number; md5: string }>(
    `SELECT count(*)::int AS rows, md5(coalesce(string_agg(h, '' ORDER BY h), '')) AS md5 FROM (SELECT md5(t::text) AS h FROM ${sql(table)} t) x`,
  );
  return { table: `${as.schema}.${as.name}`, rows: rows[0]!.rows, md5: rows[0]!.md5 };
};

/**
 * An empty copy of a live table in the shadow schema (columns in the same order, so row checksums
 * compare; defaults, constraints, indexes), its indexes renamed to the live ones' names so the
 * swapped-in table is indistinguishable from one the migrations made.
 */
const createShadowTable = async (tx: PoolClient, live: Table, shadow: Table): Promise<void> => {
  const { rows: serial } = await tx.query(
    `SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_default LIKE 'nextval(%'`,
    [live.schema, live.name],
  );
  // A copied default would still draw from the live table's sequence, which dies with it at the swap.
  if (serial.length) throw new Error(`${sql(live)} has a sequence-backed column: a shadow rebuild cannot swap it in`);
  await tx.query(`CREATE TABLE ${sql(shadow)} (LIKE ${sql(live)} INCLUDING ALL)`);
  const indexes = (t: Table) =>
    tx.query<{ name: string; def: string }>(
      `SELECT c.relname AS name, regexp_replace(pg_get_indexdef(i.indexrelid), '^CREATE (UNIQUE )?INDEX \\S+ ON \\S+ ', 'CREATE \\1INDEX ON ') AS def
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = $1::regclass`,
      [sql(t)],
    );
  const liveByDef = new Map((await indexes(live)).rows.map((r) => [r.def, r.name]));
  for (const s of (await indexes(shadow)).rows) {
    const name = liveByDef.get(s.def);
    if (name && name !== s.name) await tx.query(`ALTER INDEX "${shadow.schema}"."${s.name}" RENAME TO "${name}"`);
  }
};

/** The projection with every applied event counted (both the per-event and the batched path). */
const counted = (p: Projection, add: (events: number) => void): Projection => {
  const batch = p.rebuildBatch;
  return {
    ...p,
    apply: async (tx, e) => {
      await p.apply(tx, e);
      add(1);
    },
    ...(batch
      ? {
          rebuildBatch: (opts) => {
            const b = batch(opts);
            return {
              apply: async (tx, events) => {
                await b.apply(tx, events);
                add(events.length);
              },
              finish: (tx) => b.finish(tx),
            };
          },
        }
      : {}),
  };
};

/**
 * Rebuilds one projection into shadow tables while the live ones keep serving (and taking writes),
 * then swaps them in: see `replay`.
 */
const replayOne = async (
  ctx: OpsContext,
  store: EventStore,
  label: string,
  live: Projection,
  shadow: Projection,
  shadowSchema: string,
  o: ReplayOptions,
): Promise<ProjectionReplay> => {
  const tables = await store.withTransaction((tx) => projectionTables(tx, live));
  const shadowOf = (t: Table): Table => ({ schema: shadowSchema, name: t.name });
  await store.withTransaction(async (tx) => {
    for (const t of tables) await createShadowTable(tx, t, shadowOf(t));
    // The shadow projection must write exactly these tables, or the swap would leave some behind.
    const written = (await projectionTables(tx, shadow)).map((t) => t.name).join(',');
    if (written !== tables.map((t) => t.name).join(','))
      throw new Error(`${label}: the projection writes ${written} in the shadow schema, not ${tables.map((t) => t.name).join(',')}`);
  });

  // One snapshot for the whole rebuild (REPEATABLE READ): what it read is exactly what that
  // snapshot saw, so the swap can apply precisely the rest. Writers are never blocked meanwhile.
  const { events, snapshot } = await store.withTransaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    const { rows } = await tx.query<{ snapshot: string; total: number }>(
      `SELECT pg_current_snapshot()::text AS snapshot, (SELECT count(*)::int FROM "${store.schema}".events WHERE type = ANY($1::text[])) AS total`,
      [live.handles],
    );
    const progress = replayProgress({ label, total: rows[0]!.total, out: ctx.out, ...(o.progressEveryMs !== undefined ? { everyMs: o.progressEveryMs } : {}) });
    ctx.out(`${label}: rebuilding ${rows[0]!.total} events into ${shadowSchema}`);
    const inTx: EventStore = { ...store, withTransaction: (fn) => fn(tx) };
    const r = await rebuildProjection(
      inTx,
      counted(shadow, (n) => progress.add(n)),
    );
    ctx.out(progress.line());
    return { events: r.events, snapshot: rows[0]!.snapshot };
  });

  // The swap: writers held (EXCLUSIVE lets readers on) while the shadow catches up with what was
  // written meanwhile and both are checksummed; then readers too, only for DROP + SET SCHEMA.
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.withTransaction(async (tx) => {
        await tx.query(`SET LOCAL lock_timeout = '${SWAP_LOCK_TIMEOUT}'`);
        const list = tables.map(sql).join(', ');
        if (tables.length) await tx.query(`LOCK TABLE ${list} IN EXCLUSIVE MODE`);
        const { events: caughtUp } = await catchUpProjection(store, tx, shadow, snapshot);
        const before: TableChecksum[] = [];
        const after: TableChecksum[] = [];
        for (const t of tables) before.push(await checksum(tx, t));
        for (const t of tables) after.push(await checksum(tx, shadowOf(t), t));
        const swapStart = Date.now();
        if (tables.length) await tx.query(`LOCK TABLE ${list} IN ACCESS EXCLUSIVE MODE`);
        for (const t of tables) {
          await tx.query(`DROP TABLE ${sql(t)}`);
          await tx.query(`ALTER TABLE ${sql(shadowOf(t))} SET SCHEMA "${t.schema}"`);
        }
        const identical = before.every((b, i) => b.md5 === after[i]!.md5 && b.rows === after[i]!.rows);
        return { projection: live.name, events: events + caughtUp, caughtUp, before, after, identical, swapMs: Date.now() - swapStart };
      });
    } catch (e) {
      if ((e as { code?: string }).code !== LOCK_NOT_AVAILABLE || attempt >= SWAP_ATTEMPTS) throw e;
      ctx.out(`${label}: the swap waited too long for a lock (attempt ${attempt}); trying again`);
    }
  }
};

/**
 * `replay <service>`: rebuilds every read model of the service from its log and swaps the result
 * in, proving it identical to what the running system had built, by checksum. Reads keep working
 * throughout: each projection is rebuilt into shadow tables (same layout, in a shadow schema, since
 * projections name their tables by schema) from one snapshot of the log; then one short
 * transaction holds writers, applies what they committed meanwhile, checksums live and shadow,
 * and replaces the live tables by the shadow ones (readers wait only for that DROP + SET SCHEMA).
 * Progress (events/s, ETA) goes to `out` while it runs.
 */
export const replay = async (ctx: OpsContext, module: ServiceModule, o: ReplayOptions = {}): Promise<ProjectionReplay[]> => {
  const sctx = serviceContextFor(ctx, module);
  const live = module.projections?.(sctx) ?? [];
  if (!live.length) return [];
  const shadowSchema = `${sctx.schema}_replay`;
  if (shadowSchema.length > 63) throw new Error(`schema ${sctx.schema} is too long for a shadow schema`);
  const twins = new Map((module.projections?.({ ...sctx, schema: shadowSchema }) ?? []).map((p) => [p.name, p]));
  const pairs = live.map((p) => {
    const shadow = twins.get(p.name);
    if (!shadow) throw new Error(`projection ${p.name} has no shadow twin`);
    return { live: p, shadow };
  });
  const guard = await ctx.pool.connect();
  try {
    // One replay per service at a time: a second one would share (and drop) the shadow schema.
    const { rows } = await guard.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtext('bp.ops.replay'), hashtext($1)) AS ok`, [sctx.schema]);
    if (!rows[0]!.ok) throw new Error(`another replay of ${module.name} is running`);
    try {
      await guard.query(`DROP SCHEMA IF EXISTS "${shadowSchema}" CASCADE; CREATE SCHEMA "${shadowSchema}"`);
      return await allSettledOrThrow(pairs.map((p) => replayOne(ctx, sctx.store, `${module.name}/${p.live.name}`, p.live, p.shadow, shadowSchema, o)));
    } finally {
      await guard.query(`DROP SCHEMA IF EXISTS "${shadowSchema}" CASCADE`);
      await guard.query(`SELECT pg_advisory_unlock(hashtext('bp.ops.replay'), hashtext($1))`, [sctx.schema]);
    }
  } finally {
    guard.release();
  }
};

export const printReplay = (ctx: OpsContext, service: string, results: ProjectionReplay[]): void => {
  if (!results.length) return ctx.out(`${service}: no projections declared`);
  for (const r of results) {
    ctx.out(
      `${service}/${r.projection}: replayed ${r.events} events (${r.caughtUp} written during the rebuild) — ${r.identical ? 'IDENTICAL' : 'DIFFERENT'}; swapped in, readers held ${r.swapMs} ms`,
    );
    r.before.forEach((b, i) => {
      const a = r.after[i]!;
      ctx.out(`  ${b.table.padEnd(40)} before ${b.md5} (${b.rows} rows)  after ${a.md5} (${a.rows} rows)${b.md5 === a.md5 ? '' : '  ✗'}`);
    });
  }
};
