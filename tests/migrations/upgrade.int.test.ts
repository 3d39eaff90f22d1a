// Issue 20 item 4: a database the release before created (fixtures/previous-release.sql, its schemas
// as pg_dump saw them) upgrades to versioned migrations through the migrate step the Kubernetes Job
// runs (prepareService, as runMigrations in libs/runtime calls it): every table keeps its rows, v1 of
// every component is recorded as the baseline, and the result is the schema a fresh install gets.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '@bp/http';
import { migrationChecksum, MigrationChecksumError, runMigrations } from '@bp/eventstore';
import { loadConfig, prepareService, type ServiceModule } from '@bp/runtime';
import { type TestDatabase, testDatabase } from '@bp/testing';
import { orderService } from '../../services/order/src/service';
import { orderMigrations } from '../../services/order/src/migrations';
import { escrowService } from '../../services/escrow/src/service';
import { disputeService } from '../../services/dispute/src/service';
import { disputeMigrations } from '../../services/dispute/src/migrations';
import { notificationService } from '../../services/notification/src/service';

const MODULES: ServiceModule[] = [orderService, escrowService, disputeService, notificationService];
const COMPONENTS = ['eventstore', 'deadlines', 'idempotency'];
/** Versions of a service's own component where it has more than the baseline (#18 item 6: dispute v2). */
const SERVICE_VERSIONS: Record<string, number> = { dispute: disputeMigrations.length };

let db: TestDatabase;
const prev = (service: string) => `${db.schema}_prev_${service}`;
const fresh = (service: string) => `${db.schema}_new_${service}`;

const migrate = async (module: ServiceModule, schema: string): Promise<void> => {
  const config = loadConfig(module.name, { DATABASE_URL: db.url, JWT_SECRET: 'migration-test-secret-of-32-bytes!', KAFKA_BROKERS: '127.0.0.1:9' });
  const { ctx } = await prepareService(module, { config, logger: createLogger({ name: 'migrate-test', level: 'silent' }), schema });
  await ctx.pool.end();
};

/** Tables, columns, indexes, constraints and triggers of a schema, with its name taken out. */
const shape = async (schema: string): Promise<string[]> => {
  const strip = (s: string) => s.split(`${schema}.`).join('S.').split(`"${schema}".`).join('S.');
  const skip = `('schema_migrations', 'eventstore_migrations')`;
  const q = async (sql: string) => (await db.pool.query<{ x: string }>(sql, [schema])).rows.map((r) => strip(r.x));
  return [
    ...(await q(`SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS x
                 FROM information_schema.columns WHERE table_schema = $1 AND table_name NOT IN ${skip}`)),
    ...(await q(`SELECT indexdef AS x FROM pg_indexes WHERE schemaname = $1 AND tablename NOT IN ${skip}`)),
    ...(await q(`SELECT c.conrelid::regclass::text || ' ' || pg_get_constraintdef(c.oid) AS x FROM pg_constraint c
                 JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1 AND c.conrelid::regclass::text NOT LIKE '%migrations'`)),
    ...(await q(`SELECT event_object_table || ' ' || trigger_name || ' ' || action_statement AS x FROM information_schema.triggers WHERE trigger_schema = $1`)),
  ].sort();
};

const rowCounts = async (schema: string): Promise<Record<string, number>> => {
  const { rows } = await db.pool.query<{ t: string }>(
    `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1 AND table_name NOT IN ('schema_migrations') ORDER BY 1`,
    [schema],
  );
  const out: Record<string, number> = {};
  for (const { t } of rows) out[t] = (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".${t}`)).rows[0]!.n;
  return out;
};

beforeAll(async () => {
  db = await testDatabase('upgrade');
  const fixture = readFileSync(join(__dirname, 'fixtures/previous-release.sql'), 'utf8').replace(/prev_release_(\w+)/g, (_, s: string) => prev(s));
  await db.pool.query(fixture);
  await db.pool.query(seedSql());
}, 60_000);
afterAll(async () => {
  for (const m of MODULES) for (const s of [prev(m.name), fresh(m.name)]) await db.pool.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await db.close();
});

/** A row in every table the release before had (the order's log gets one event, append-only). */
const seedSql = () => {
  const at = `'2026-01-05T10:00:00Z'`;
  const common = (s: string) => `
    INSERT INTO ${s}.events (stream_id, stream_version, event_id, type, schema_version, data, metadata, occurred_at)
      VALUES ('order-1', 1, gen_random_uuid(), 'Seeded', 1, '{"orderId":"order-1"}', '{}', ${at});
    INSERT INTO ${s}.checkpoints (name, tx_id, position) VALUES ('relay', '0'::xid8, 1);
    INSERT INTO ${s}.inbox (event_id, source) VALUES (gen_random_uuid(), 'test');
    INSERT INTO ${s}.deadlines (stream_id, kind, due_at, payload, next_at) VALUES ('order-1', 'review', ${at}, '{}', ${at});
    INSERT INTO ${s}.idempotency_keys (principal, key, method, path, request_hash, status, expires_at) VALUES ('u1', 'k1', 'POST', '/x', 'h', 'completed', ${at});`;
  return [
    common(prev('order')),
    `INSERT INTO ${prev('order')}.orders_list VALUES ('order-1', 'b1', 's1', 'paid', false, 1000, 'EUR', 1, ${at}, ${at});`,
    common(prev('escrow')),
    `INSERT INTO ${prev('escrow')}.escrows VALUES ('order-1', 'b1', 's1', 'held', false, 0, 1, '{}');
     INSERT INTO ${prev('escrow')}.ledger_entries VALUES ('e1', 'order-1', 's1', 1000, 'buyer_payment', 'order_hold', 1000, 'EUR', 'payment', ${at});
     INSERT INTO ${prev('escrow')}.refund_queue (refund_id, order_id, amount, currency, status, attempt, requested_at) VALUES ('r1', 'order-1', 100, 'EUR', 'in_flight', 1, ${at});
     INSERT INTO ${prev('escrow')}.parked_commands (order_id, waiting_for, command, causation, parked_at, reason) VALUES ('order-1', 'OrderRecorded', '{}', '{}', ${at}, 'ESCROW_ORDER_UNKNOWN');`,
    common(prev('dispute')),
    `INSERT INTO ${prev('dispute')}.dispute_summaries (dispute_id, order_id, status, version, state) VALUES ('d1', 'order-1', 'open', 1, '{}');
     INSERT INTO ${prev('dispute')}.dispute_thread VALUES ('d1', 1, '{}');
     INSERT INTO ${prev('dispute')}.evidence VALUES ('ev1', 'abc', 'image/png', 10, 'b1', 'buyer', ${at}, 'sub1');`,
    common(prev('notification')),
    `INSERT INTO ${prev('notification')}.message_center (notice_id, recipient_id, order_id, kind, vars, created_at) VALUES ('n1', 'b1', 'order-1', 'k', '{}', ${at});
     INSERT INTO ${prev('notification')}.webhook_subscriptions (subscription_id, partner_id, url, event_types, status, created_at) VALUES ('w1', 'p1', 'https://partner.invalid/h', '{OrderPlaced}', 'active', ${at});
     INSERT INTO ${prev('notification')}.webhook_deliveries (delivery_id, subscription_id, event_id, ce_type, status, created_at, updated_at) VALUES ('dl1', 'w1', 'e1', 't', 'pending', ${at}, ${at});
     INSERT INTO ${prev('notification')}.parked_events (order_id, event_id, ce_type, type, source, subject, time, data, topic, partition, kafka_offset, received_at)
       VALUES ('order-1', 'e1', 't', 'T', 'src', 'sub', ${at}, '{}', 'orders.v1', 0, '5', ${at});`,
  ].join('\n');
};

describe.each(MODULES.map((m) => [m.name, m] as const))('%s: the release before upgrades to versioned migrations', (name, module) => {
  it('keeps every row, records v1 of each component as applied, and ends with the schema of a fresh install', async () => {
    const before = await rowCounts(prev(name));
    expect(Object.values(before).every((n) => n > 0)).toBe(true); // the seed reached every table

    await migrate(module, prev(name));
    await migrate(module, prev(name)); // a second run (the next rollout) finds nothing to do
    await migrate(module, fresh(name));

    expect(await rowCounts(prev(name))).toMatchObject(before); // tables added since start empty (dispute v2)
    const { rows } = await db.pool.query(`SELECT component, version FROM ${prev(name)}.schema_migrations ORDER BY component, version`);
    expect(rows).toEqual(
      [
        ...COMPONENTS.flatMap((c) => (c === 'eventstore' ? [1, 2] : [1]).map((version) => ({ component: c, version }))),
        ...Array.from({ length: SERVICE_VERSIONS[name] ?? 1 }, (_, i) => ({ component: name, version: i + 1 })),
      ].sort((a, b) => a.component.localeCompare(b.component) || a.version - b.version),
    );
    expect(await shape(prev(name))).toEqual(await shape(fresh(name)));
    expect((await shape(fresh(name))).length).toBeGreaterThan(20);
  });
});

describe('an edited migration that was already applied', () => {
  it('is refused before anything else runs (the service does not start on a history it does not know)', async () => {
    const schema = fresh('order');
    const edited = [{ ...orderMigrations[0]!, sql: (s: string) => `${orderMigrations[0]!.sql(s)}\nALTER TABLE ${s}.orders_list ADD COLUMN note text;` }];
    expect(migrationChecksum(edited[0]!)).not.toBe(migrationChecksum(orderMigrations[0]!));
    await expect(runMigrations(db.pool, schema, 'order', edited)).rejects.toThrow(MigrationChecksumError);
    const { rows } = await db.pool.query(
      `SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'orders_list' AND column_name = 'note'`,
      [schema],
    );
    expect(rows).toEqual([]);
  });
});
