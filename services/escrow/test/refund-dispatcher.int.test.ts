import { SimulatedClock } from '@bp/timers';
import type { EventEnvelope } from '@bp/contracts';
import { testDatabase, type TestDatabase } from '@bp/testing';
import pino from 'pino';
import type { EscrowApp } from '../src/app/escrow-app';
import { createRefundDispatcher } from '../src/app/refund-dispatcher';
import { refundQueueProjection } from '../src/projections/refund-queue';
import type { PaymentProvider } from '../src/providers';
import { eventually } from './int/fixtures';

// E4: the dispatcher sends each in-flight refund and records its outcome through the app. Here the
// app and the provider are stand-ins so a failed recording and the order of sends can be observed.
describe('refund dispatcher (E4)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await testDatabase('refund_dispatch');
    await refundQueueProjection(db.schema).migrate(db.pool);
  });
  afterAll(async () => db?.close());

  const queue = async (refundId: string, orderId: string) =>
    db.pool.query(
      `INSERT INTO "${db.schema}".refund_queue (refund_id, order_id, amount, currency, status, attempt, requested_at)
       VALUES ($1, $2, 100, 'USD', 'in_flight', 1, now())`,
      [refundId, orderId],
    );

  const harness = (failRecordsOf: Map<string, number>, over: Partial<Parameters<typeof createRefundDispatcher>[0]> = {}) => {
    const sent: string[] = [];
    const recorded: string[] = [];
    let inFlightPerOrder = new Map<string, number>();
    let maxPerOrder = 0;
    const provider = {
      async refund(r: { refundId: string; orderId: string }) {
        sent.push(r.refundId);
        const n = (inFlightPerOrder.get(r.orderId) ?? 0) + 1;
        inFlightPerOrder.set(r.orderId, n);
        maxPerOrder = Math.max(maxPerOrder, n);
        await new Promise((resolve) => setImmediate(resolve));
        inFlightPerOrder.set(r.orderId, n - 1);
        return { status: 'succeeded' as const, providerRef: `ref-${r.refundId}` };
      },
    } as unknown as PaymentProvider;
    const app = {
      async execute(command: { data: { refundId: string } }) {
        const id = command.data.refundId;
        const left = failRecordsOf.get(id) ?? 0;
        if (left > 0) {
          failRecordsOf.set(id, left - 1);
          throw new Error('the stream was busy');
        }
        recorded.push(id);
        await db.pool.query(`UPDATE "${db.schema}".refund_queue SET status = 'completed' WHERE refund_id = $1`, [id]);
        return { events: [] };
      },
    } as unknown as EscrowApp;
    const dispatcher = createRefundDispatcher({
      pool: db.pool,
      schema: db.schema,
      app,
      provider,
      clock: new SimulatedClock(),
      logger: pino({ level: 'silent' }),
      leaseMs: 60_000,
      retryAfterMs: 50,
      ...over,
    });
    return { dispatcher, sent, recorded, maxPerOrder: () => maxPerOrder, reset: () => (inFlightPerOrder = new Map()) };
  };

  it('sends the refunds of one order one after the other, different orders side by side', async () => {
    await queue('rf-a1', 'ord-a');
    await queue('rf-a2', 'ord-a');
    await queue('rf-b1', 'ord-b');
    const h = harness(new Map());
    expect(await h.dispatcher.runOnce()).toBe(3);
    expect(h.sent.sort()).toEqual(['rf-a1', 'rf-a2', 'rf-b1']);
    expect(h.recorded.sort()).toEqual(['rf-a1', 'rf-a2', 'rf-b1']);
    expect(h.maxPerOrder()).toBe(1);
    expect(await h.dispatcher.runOnce()).toBe(0);
  });

  it('an outcome that could not be recorded is sent again after retryAfterMs, not after the whole lease', async () => {
    await queue('rf-c1', 'ord-c');
    const h = harness(new Map([['rf-c1', 1]]));
    await h.dispatcher.runOnce();
    expect(h.recorded).toEqual([]);
    // The lease is 60 s; the short release makes it claimable again within a second.
    const until = Date.now() + 5_000;
    while (h.recorded.length === 0 && Date.now() < until) {
      await h.dispatcher.runOnce();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(h.recorded).toEqual(['rf-c1']);
    expect(h.sent).toEqual(['rf-c1', 'rf-c1']); // the provider dedupes by refund id (E4)
  });

  it('a refund whose outcome keeps failing does not keep runOnce busy forever', async () => {
    await queue('rf-d1', 'ord-d');
    const h = harness(new Map([['rf-d1', 1_000]]));
    const started = Date.now();
    await h.dispatcher.runOnce();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(h.recorded).toEqual([]);
    await db.pool.query(`UPDATE "${db.schema}".refund_queue SET status = 'completed' WHERE refund_id = 'rf-d1'`);
  });

  it('an idle dispatcher is woken by the NOTIFY a queued refund sends at its COMMIT, not by a poll (issue 18 item 5)', async () => {
    const h = harness(new Map(), { pollIntervalMs: 60_000, fallbackPollMs: 60_000 });
    await queue('rf-e1', 'ord-e');
    h.dispatcher.start();
    try {
      await eventually(async () => h.recorded.includes('rf-e1') || undefined, 'the first round');
      // Queued the way a command does: the projection's statement inside the command's transaction.
      const tx = await db.pool.connect();
      try {
        await tx.query('BEGIN');
        const data = { refundId: 'rf-e2', orderId: 'ord-e', amount: { amount: 100, currency: 'USD' }, requestedAt: new Date().toISOString() };
        await refundQueueProjection(db.schema).apply(tx, { type: 'RefundRequested', data } as unknown as EventEnvelope);
        await tx.query('COMMIT');
      } finally {
        tx.release();
      }
      // The next poll is a minute away: only the NOTIFY can bring this within the wait.
      await eventually(async () => h.recorded.includes('rf-e2') || undefined, 'the NOTIFY-woken round', 5_000);
      expect(h.sent).toEqual(['rf-e1', 'rf-e2']);
    } finally {
      await h.dispatcher.stop();
    }
  });
});
