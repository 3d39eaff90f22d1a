import { type EventStore, type Projection, allSettledOrThrow, rebuildProjection } from '@bp/eventstore';
import type { ServiceModule } from '@bp/runtime';
import type { PoolClient } from 'pg';
import type { OpsContext } from './context';
import { serviceContextFor } from './service-context';

export interface TableChecksum {
  table: string;
  rows: number;
  md5: string;
}

export interface ProjectionReplay {
  projection: string;
  events: number;
  before: TableChecksum[];
  after: TableChecksum[];
  identical: boolean;
}

/**
 * A projection declares no table names, so they are observed: inside a savepoint, `reset` (a
 * TRUNCATE or DELETE) takes its write locks on exactly the projection's tables; pg_locks lists
 * them, and the savepoint is rolled back.
 */
const projectionTables = async (tx: PoolClient, p: Projection): Promise<string[]> => {
  await tx.query('SAVEPOINT probe');
  await p.reset(tx);
  const { rows } = await tx.query<{ name: string }>(
    `SELECT DISTINCT format('%I.%I', n.nspname, c.relname) AS name
       FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND c.relkind IN ('r', 'p')
        AND l.mode IN ('AccessExclusiveLock', 'RowExclusiveLock') ORDER BY 1`,
  );
  await tx.query('ROLLBACK TO SAVEPOINT probe');
  return rows.map((r) => r.name);
};

/** Order-independent content checksum: md5 over the sorted md5s of every row's text form. */
const checksum = async (tx: PoolClient, table: string): Promise<TableChecksum> => {
  const { rows } = await tx.query<{ rows: number; md5: string }>(
    `SELECT count(*)::int AS rows, md5(coalesce(string_agg(h, '' ORDER BY h), '')) AS md5 FROM (SELECT md5(t::text) AS h FROM ${table} t) x`,
  );
  return { table, rows: rows[0]!.rows, md5: rows[0]!.md5 };
};

/**
 * `replay <service>`: rebuilds every read model of the service from its log with rebuildProjection
 * and proves the result identical to what the running system had built, by checksum. Each
 * projection runs in ONE transaction holding its tables exclusively from the first checksum to the
 * last, so a command committing meanwhile cannot make the two differ (it waits, then applies).
 */
export const replay = async (ctx: OpsContext, module: ServiceModule): Promise<ProjectionReplay[]> => {
  const sctx = serviceContextFor(ctx, module);
  // All at once, each on its own connection (as rebuildProjections does): their tables are disjoint.
  return allSettledOrThrow(
    (module.projections?.(sctx) ?? []).map((projection) =>
      sctx.store.withTransaction(async (tx): Promise<ProjectionReplay> => {
        const tables = await projectionTables(tx, projection);
        if (tables.length) await tx.query(`LOCK TABLE ${tables.join(', ')} IN ACCESS EXCLUSIVE MODE`);
        const before: TableChecksum[] = [];
        for (const t of tables) before.push(await checksum(tx, t));
        // rebuildProjection opens its own transaction; here it runs inside this one.
        const inTx: EventStore = { ...sctx.store, withTransaction: (fn) => fn(tx) };
        const { events } = await rebuildProjection(inTx, projection);
        const after: TableChecksum[] = [];
        for (const t of tables) after.push(await checksum(tx, t));
        const identical = before.every((b, i) => b.md5 === after[i]!.md5 && b.rows === after[i]!.rows);
        return { projection: projection.name, events, before, after, identical };
      }),
    ),
  );
};

export const printReplay = (ctx: OpsContext, service: string, results: ProjectionReplay[]): void => {
  if (!results.length) return ctx.out(`${service}: no projections declared`);
  for (const r of results) {
    ctx.out(`${service}/${r.projection}: replayed ${r.events} events — ${r.identical ? 'IDENTICAL' : 'DIFFERENT'}`);
    r.before.forEach((b, i) => {
      const a = r.after[i]!;
      ctx.out(`  ${b.table.padEnd(40)} before ${b.md5} (${b.rows} rows)  after ${a.md5} (${a.rows} rows)${b.md5 === a.md5 ? '' : '  ✗'}`);
    });
  }
};
