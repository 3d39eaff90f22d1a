import { EventRegistry } from '@bp/contracts';
import { createEventStore } from '@bp/eventstore';
import { migrateSharedClock } from '@bp/runtime';
import { testDatabase, type TestDatabase } from '@bp/testing';
import pino from 'pino';
import { migrateParking as migrateEscrowParking } from '../../services/escrow/src/app/parking';
import { migrateParking as migrateNotificationParking } from '../../services/notification/src/app/parking';
import type { OpsContext } from '../src/ops/context';
import { runOps } from '../src/ops/cli';
import { parked } from '../src/ops/parked';

// `ops parked`: what waits for an earlier fact, in escrow and notification, aged on the deployment's
// (simulated) clock; `--older-than` makes it an alert (exit 1) for a cron or a probe.
describe('ops parked', () => {
  let db: TestDatabase;
  let ctx: OpsContext;
  const lines: string[] = [];

  beforeAll(async () => {
    db = await testDatabase('ops_parked');
    const schemas = { order: `${db.schema}_order`, escrow: `${db.schema}_escrow`, dispute: `${db.schema}_dispute`, notification: `${db.schema}_notification` };
    ctx = {
      pool: db.newPool(),
      env: {},
      schemas,
      clockSchema: `${db.schema}_clock`,
      serviceUrls: {},
      logger: pino({ level: 'silent' }),
      out: (l) => lines.push(l),
    };
    await migrateSharedClock(db.pool, ctx.clockSchema, '2026-01-10T12:00:00.000Z');
    for (const s of [schemas.escrow, schemas.notification]) await createEventStore({ pool: db.pool, schema: s, registry: new EventRegistry([]) }).migrate();
    await migrateEscrowParking(db.pool, schemas.escrow);
    await migrateNotificationParking(db.pool, schemas.notification);
    await db.pool.query(
      `INSERT INTO "${schemas.escrow}".parked_commands (order_id, waiting_for, command, causation, parked_at, reason)
       VALUES ('o-old', 'DisputeSettlementApplied', '{"type":"ApplyOrderCompletion"}', '{}', '2026-01-10T09:00:00Z', 'DISPUTE_SETTLEMENT_PENDING'),
              ('o-new', 'OrderRecorded', '{"type":"GrantFastRefund"}', '{}', '2026-01-10T11:59:00Z', 'ESCROW_ORDER_UNKNOWN')`,
    );
    await db.pool.query(
      `INSERT INTO "${schemas.notification}".parked_events (order_id, event_id, ce_type, type, source, subject, time, data, topic, partition, kafka_offset, received_at)
       VALUES ('o-n', 'ev-1', 'marketplace.escrow.payment-captured.v1', 'PaymentCaptured', 'escrow', 'o-n', '2026-01-10T10:00:00Z', '{}', 'escrow.v1', 0, '7', '2026-01-10T10:00:00Z')`,
    );
  }, 60_000);

  afterAll(async () => {
    await ctx?.pool.end();
    await db?.pool.query(
      Object.values(ctx.schemas)
        .concat(ctx.clockSchema)
        .map((s) => `DROP SCHEMA IF EXISTS ${s} CASCADE;`)
        .join(' '),
    );
    await db?.close();
  });

  it('lists every parked item, oldest first, aged on the simulated clock', async () => {
    const r = await parked(ctx);
    expect(r.now.toISOString()).toBe('2026-01-10T12:00:00.000Z');
    expect(r.rows.map((p) => [p.service, p.orderId, p.what, p.waitingFor, p.ageMs / 60_000])).toEqual([
      ['escrow', 'o-old', 'ApplyOrderCompletion', 'DisputeSettlementApplied', 180],
      ['notification', 'o-n', 'PaymentCaptured', 'OrderPlaced', 120],
      ['escrow', 'o-new', 'GrantFastRefund', 'OrderRecorded', 1],
    ]);
  });

  it('--older-than keeps the stale ones and exits 1 when there are any (an alert), 0 when none', async () => {
    lines.length = 0;
    expect(await runOps(ctx, ['parked', '--older-than', 'PT2H30M'])).toBe(1);
    expect(lines[0]).toBe('now 2026-01-10T12:00:00.000Z: 1 parked item(s)');
    expect(lines[1]).toContain('o-old');
    expect(await runOps(ctx, ['parked', '--older-than', 'PT4H'])).toBe(0);
    expect(await runOps(ctx, ['parked'])).toBe(0); // a plain listing is not an alert
  });

  it('refuses a malformed duration as a usage error', async () => {
    await expect(runOps(ctx, ['parked', '--older-than', '2h'])).rejects.toThrow(/ISO-8601 duration/);
  });
});
