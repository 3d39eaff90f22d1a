import type { EventEnvelope } from '@bp/contracts';
import type { Pool, PoolClient } from 'pg';
import type { AppendHook } from './command-handler';
import { type EventRow, type LogPosition, START, rowToEnvelope } from './envelope';
import { isPipelined, serialClient } from './serial-client';
import { EVENT_COLUMNS, ident } from './sql';
import type { EventStore } from './store';

/** A read model: tables of its own, fed event by event, rebuildable from the log. */
export interface Projection {
  name: string;
  migrate(db: Pool | PoolClient): Promise<void>;
  /** Event types it applies; others are never passed to `apply`. */
  handles: string[];
  apply(tx: PoolClient, event: EventEnvelope): Promise<void>;
  /**
   * Optional: the events one command recorded that it handles, in log order, at once; the same rows
   * as `apply` for each in turn, in fewer round trips (a row read and written once, issue 18 item 2).
   */
  applyMany?(tx: PoolClient, events: EventEnvelope[]): Promise<void>;
  /** Empty its tables (TRUNCATE). */
  reset(tx: PoolClient): Promise<void>;
  /**
   * Optional rebuild-only path: the same rows as `apply` event by event, but folded in memory and
   * written a page at a time (a per-event round trip caps a rebuild at a few thousand events/s).
   */
  rebuildBatch?(opts: RebuildBatchOptions): RebuildBatch;
}

export interface RebuildBatchOptions {
  /** Rows a keyed batch may hold in memory before it writes them out and reloads on demand. */
  maxRows: number;
}

export interface RebuildBatch {
  /** One page of handled events in log order, on the rebuild's transaction, tables reset. */
  apply(tx: PoolClient, events: EventEnvelope[]): Promise<void>;
  /** After the last page: write whatever is still held in memory. */
  finish(tx: PoolClient): Promise<void>;
}

/** A read model with one row per key whose new value depends only on its old one and the event. */
export interface KeyedRebuild<R> {
  /** The row's key for this event (`undefined`: the event touches no row). */
  key(event: EventEnvelope): string | undefined;
  /** The row after the event; `undefined` = still no row. Never removes an existing row. */
  fold(row: R | undefined, event: EventEnvelope): R | undefined;
  /** Rows already written for these keys (only needed once the batch has spilled to the table). */
  load(tx: PoolClient, keys: string[]): Promise<Map<string, R>>;
  /** Upsert: insert, or overwrite every column of, these rows. */
  write(tx: PoolClient, rows: R[]): Promise<void>;
}

/** Statements stay below this many rows (message size, parse memory). */
export const WRITE_CHUNK = 5000;

/**
 * Writes in chunks, the next chunk's statement built (JSON.stringify) while Postgres runs the
 * previous one. At most two in flight, so memory stays at two chunks. On one connection the second
 * waits for the first: give it a serialClient (rebuildProjection does), never a bare busy client.
 */
export const inChunks = async <T>(items: T[], write: (chunk: T[]) => Promise<unknown>, size = WRITE_CHUNK): Promise<void> => {
  let previous: Promise<unknown> = Promise.resolve();
  for (let i = 0; i < items.length; i += size) {
    const current = write(items.slice(i, i + size));
    current.catch(() => {}); // awaited below; an error there fails the write
    await previous;
    previous = current;
  }
  await previous;
};

/**
 * Keyed rows folded in memory; written once at the end, or, past `maxRows` keys, written out
 * (upsert) and dropped, later pages reloading the keys they touch in one SELECT.
 */
export const keyedBatch = <R>(k: KeyedRebuild<R>, opts: RebuildBatchOptions): RebuildBatch => {
  let rows = new Map<string, R | undefined>();
  let spilled = false;
  const flush = async (tx: PoolClient) => {
    const out: R[] = [];
    for (const r of rows.values()) if (r !== undefined) out.push(r);
    rows = new Map();
    if (out.length) await k.write(tx, out);
  };
  return {
    async apply(tx, events) {
      if (spilled) {
        const missing = new Set<string>();
        for (const e of events) {
          const key = k.key(e);
          if (key !== undefined && !rows.has(key)) missing.add(key);
        }
        if (missing.size) {
          const loaded = await k.load(tx, [...missing]);
          for (const key of missing) rows.set(key, loaded.get(key));
        }
      }
      for (const e of events) {
        const key = k.key(e);
        if (key !== undefined) rows.set(key, k.fold(rows.get(key), e));
      }
      if (rows.size >= opts.maxRows) {
        await flush(tx);
        spilled = true;
      }
    },
    finish: flush,
  };
};

/** A batch for insert-only read models: each page written as it comes. */
export const pageBatch = (write: (tx: PoolClient, events: EventEnvelope[]) => Promise<void>): RebuildBatch => ({
  apply: write,
  finish: async () => {},
});

/**
 * Load and write for keyedBatch over one table whose in-memory row is the column map that
 * row_to_json gives (jsonb columns as values, timestamps as ISO text): both directions go through
 * one JSON document per statement (jsonb_populate_recordset: jsonb input hands jsonb columns over
 * without a second parse, measured 1.5× faster than json input and 4× faster than unnest of text[]).
 */
export const jsonRows = <R extends object>(table: string, key: string, columns: readonly string[]): Pick<KeyedRebuild<R>, 'load' | 'write'> => {
  const cols = columns.join(', ');
  const set = columns
    .filter((c) => c !== key)
    .map((c) => `${c} = excluded.${c}`)
    .join(', ');
  const upsert = `INSERT INTO ${table} (${cols}) SELECT ${cols} FROM jsonb_populate_recordset(null::${table}, $1::jsonb)
    ON CONFLICT (${key}) DO ${set ? `UPDATE SET ${set}` : 'NOTHING'}`;
  return {
    load: async (tx, keys) => {
      const { rows } = await tx.query<{ r: R }>(`SELECT row_to_json(t) AS r FROM ${table} t WHERE ${key} = ANY($1::text[])`, [keys]);
      return new Map(rows.map(({ r }) => [String((r as Record<string, unknown>)[key]), r]));
    },
    write: (tx, rows) => inChunks(rows, (chunk) => tx.query(upsert, [JSON.stringify(chunk)])),
  };
};

/** Plain INSERT of rows given as column maps (insert-only read models); `onConflict` e.g. 'ON CONFLICT (id) DO NOTHING'. */
export const insertJsonRows = (table: string, columns: readonly string[], onConflict = '') => {
  const cols = columns.join(', ');
  const sql = `INSERT INTO ${table} (${cols}) SELECT ${cols} FROM jsonb_populate_recordset(null::${table}, $1::jsonb) ${onConflict}`;
  return (tx: PoolClient, rows: object[]): Promise<void> => inChunks(rows, (chunk) => tx.query(sql, [JSON.stringify(chunk)]));
};

/** A command-handler hook applying each new event inside the command's transaction. */
export const inlineProjections = (projections: Projection[]): AppendHook<any> => {
  const byType = new Map<string, Projection[]>();
  for (const p of projections) for (const t of p.handles) byType.set(t, [...(byType.get(t) ?? []), p]);
  return async (tx, { events }) => {
    // Each projection's events in log order (projections own separate tables: their order is free).
    const perProjection = new Map<Projection, EventEnvelope[]>();
    for (const event of events) for (const p of byType.get(event.type) ?? []) perProjection.set(p, [...(perProjection.get(p) ?? []), event]);
    const run = async (p: Projection, handled: EventEnvelope[]) => {
      if (p.applyMany) await p.applyMany(tx, handled);
      else for (const event of handled) await p.apply(tx, event);
    };
    if (!isPipelined(tx)) {
      for (const [p, handled] of perProjection) await run(p, handled);
      return;
    }
    // Pipelined: the projections side by side, their statements sharing round trips (issue 18 item
    // 2). All of them end before this returns (none writes after a rollback), and the first failure
    // to arrive is the cause: the statements after it only met the aborted transaction.
    let failure: { error: unknown } | undefined;
    await Promise.all([...perProjection].map(([p, handled]) => run(p, handled).catch((error: unknown) => void (failure ??= { error }))));
    if (failure) throw failure.error;
  };
};

export interface RebuildOptions {
  /** Events read per page (default 1,000 per event, 10,000 batched). */
  batchSize?: number;
  /** Force the event-by-event path even when the projection has a batch path (benchmarks, tests). */
  perEvent?: boolean;
  /** See RebuildBatchOptions (default 200,000). */
  maxRows?: number;
  /**
   * Re-validate events of the current schema version as they are read (default false: they were
   * validated when appended, see EventRegistry.decodeStored; older versions are always upcast and
   * validated). Benchmarks compare both.
   */
  validate?: boolean;
}

/**
 * Reset + replay every event the projection handles, in (transaction id, position) order, in one
 * transaction. No xid horizon here, unlike readAll: in one transaction after `reset` has locked the
 * projection's tables, every committed event must be replayed (a writer whose inline hook would
 * touch those tables waits for this transaction and applies its events after it), and an unrelated
 * long transaction elsewhere must not hide committed events whose effects reset just erased.
 */
export const rebuildProjection = async (store: EventStore, projection: Projection, opts: RebuildOptions = {}): Promise<{ events: number }> => {
  const batch = opts.perEvent ? undefined : projection.rebuildBatch?.({ maxRows: opts.maxRows ?? 200_000 });
  const batchSize = opts.batchSize ?? (batch ? 10_000 : 1000);
  const sql = `SELECT ${EVENT_COLUMNS} FROM ${ident(store.schema)}.events
    WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint) AND type = ANY($3::text[])
    ORDER BY transaction_id, global_position LIMIT $4`;
  return store.withTransaction(async (bare) => {
    // The read-ahead and the chunked writes issue a statement before the previous one answered:
    // serialClient sends them in turn (pg 9 refuses a query on a busy client).
    const tx = serialClient(bare);
    await projection.reset(tx);
    // Big jsonb rows (escrow/dispute state) spend half their INSERT in pglz: lz4, where the server
    // has it, for this transaction only (same contents; only the on-disk compression differs).
    if (batch)
      await tx.query(`SELECT set_config('default_toast_compression', 'lz4', true) FROM pg_settings
        WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)`);
    const read = (after: LogPosition) => tx.query<EventRow>(sql, [after.txId, after.position, projection.handles, batchSize]);
    const decode = (row: EventRow) => rowToEnvelope(row, store.registry, !opts.validate);
    let count = 0;
    if (!batch) {
      let after: LogPosition = START;
      for (;;) {
        const { rows } = await read(after);
        for (const row of rows) await projection.apply(tx, decode(row));
        count += rows.length;
        const last = rows[rows.length - 1];
        if (!last || rows.length < batchSize) return { events: count };
        after = { txId: last.tx_id, position: last.position };
      }
    }
    // The next page is requested before this one is applied: Postgres produces it while we fold.
    let page = read(START);
    for (;;) {
      const { rows } = await page;
      const last = rows[rows.length - 1];
      const more = last !== undefined && rows.length === batchSize;
      if (more) {
        page = read({ txId: last.tx_id, position: last.position });
        page.catch(() => {}); // awaited next round; an error there fails the rebuild
      }
      if (rows.length) await batch.apply(tx, rows.map(decode));
      count += rows.length;
      if (!more) break;
    }
    await batch.finish(tx);
    return { events: count };
  });
};

/**
 * Every projection of a service rebuilt at once, each in its own transaction on its own connection
 * (their tables are disjoint): one projection's fold in Node overlaps another's writes in Postgres.
 * Counts per projection, in the order given.
 */
export const rebuildProjections = (
  store: EventStore,
  projections: readonly Projection[],
  opts: RebuildOptions = {},
): Promise<{ name: string; events: number }[]> =>
  allSettledOrThrow(projections.map(async (p) => ({ name: p.name, ...(await rebuildProjection(store, p, opts)) })));

/** Promise.all that, when one fails, still waits for the others: no transaction is left running. */
export const allSettledOrThrow = async <T>(promises: Promise<T>[]): Promise<T[]> => {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<T>).value);
};

/**
 * The events a rebuild did not see: those `projection` handles whose transactions were not visible
 * in `snapshot` (the rebuild's `pg_current_snapshot()`), applied one by one in log order on `tx`.
 * A shadow rebuild runs without blocking writers; this closes its gap at the swap, while the caller
 * holds the live tables against writers (so nothing it should apply can still be uncommitted).
 */
export const catchUpProjection = async (store: EventStore, tx: PoolClient, projection: Projection, snapshot: string): Promise<{ events: number }> => {
  const { rows } = await tx.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM ${ident(store.schema)}.events
      WHERE transaction_id >= pg_snapshot_xmin($1::pg_snapshot) AND NOT pg_visible_in_snapshot(transaction_id, $1::pg_snapshot)
        AND type = ANY($2::text[])
      ORDER BY transaction_id, global_position`,
    [snapshot, projection.handles],
  );
  for (const row of rows) await projection.apply(tx, rowToEnvelope(row, store.registry, true));
  return { events: rows.length };
};
