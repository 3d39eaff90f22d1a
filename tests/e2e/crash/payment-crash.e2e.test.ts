import { randomUUID } from 'node:crypto';
import { signDevToken } from '@bp/http';
import { Client } from 'pg';
import { type ServiceProcesses, startServiceProcesses } from './support/processes';
import { createStorefront, eventually, IN_FLIGHT } from './support/storefront';

/**
 * Escrow killed inside POST /payments (found by kill-restart.e2e.test.ts, about 1 run in 5 before its
 * payment fence). POST /payments is two transactions around the provider call (app/payments.ts:
 * RequestPayment, provider.capture, CapturePayment). A process that dies between them used to leave
 * the payment `requested` for good: every later attempt refused, the order closing UNPAID although
 * the provider had captured the money. The fix (E4): a requested payment has a payment_reconcile
 * deadline (domain, PAYMENT_RECONCILE_AFTER = PT1M); when it fires, escrow asks the provider again
 * with the same payment id (idempotent) and records its answer through the decider.
 *
 * This test pins the window deterministically: it holds a lock on escrow.ledger_entries, which the
 * capture's transaction writes (EntriesPosted) and the request's does not, kills escrow while the
 * capture waits on it, and starts escrow again. Then the simulated clock passes the reconcile
 * deadline and the order must be paid exactly once; retried payments change nothing.
 */
const AMOUNT = 5000;

describe('escrow killed inside POST /payments: the payment is reconciled with the provider', () => {
  let sys: ServiceProcesses | undefined;
  let locker: Client | undefined;
  let failed = false;

  beforeAll(async () => {
    sys = await startServiceProcesses({ only: ['order', 'escrow'] });
  }, 90_000);

  afterAll(async () => {
    await locker?.end().catch(() => {});
    await sys?.stop({ keepLogs: failed });
  }, 60_000);

  // On failure: where the payment got stuck (open transactions hold back the relays' gap-safe reads).
  const diagnose = async (): Promise<string> => {
    const q = async (sql: string) => JSON.stringify((await sys!.pool.query(sql)).rows);
    return [
      `activity: ${await q(`SELECT pid, state, backend_xid::text, xact_start, left(query, 80) AS query FROM pg_stat_activity WHERE datname = current_database() AND backend_xid IS NOT NULL`)}`,
      `xmin: ${await q('SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin')}`,
      `escrow checkpoints: ${await q('SELECT name, tx_id::text, position FROM escrow.checkpoints')}`,
      `escrow tail: ${await q('SELECT type, transaction_id::text, global_position FROM escrow.events ORDER BY global_position DESC LIMIT 4')}`,
      `order tail: ${await q('SELECT type, global_position FROM "order".events ORDER BY global_position DESC LIMIT 4')}`,
    ].join('\n');
  };

  it('a payment cut between PaymentRequested and its capture is captured once at its reconcile deadline; retries are harmless', async () => {
    try {
      const s = sys!;
      const shop = createStorefront({ urls: s.urls, secret: s.jwtSecret, deadlineMs: 75_000 });
      const buyer = shop.as('buyer', `buyer-${randomUUID().slice(0, 8)}`);
      const seller = shop.as('seller', `seller-${randomUUID().slice(0, 8)}`);
      const ops = shop.as('ops', 'ops-crash');

      const placed = await buyer.order.POST('/orders', {
        params: { header: { 'Idempotency-Key': randomUUID() } },
        body: {
          sellerId: seller.sub,
          currency: 'USD',
          items: [{ sku: 'SKU-1', title: 'Teapot', quantity: 1, unitPrice: AMOUNT }],
          shippingAddress: { name: 'Ada Buyer', line1: '1 Main St', city: 'Springfield', country: 'US' },
        },
      });
      expect(placed.response.status).toBe(201);
      const orderId = placed.data!.orderId;
      const escrowRead = () => buyer.escrow.GET('/escrows/{orderId}', { params: { path: { orderId } } });
      await eventually(async () => (await escrowRead()).response.status === 200, 'escrow knows the order', 30_000);

      // The capture's transaction will wait on this lock; reads (and the request's append) do not.
      locker = new Client({ connectionString: s.databaseUrl });
      await locker.connect();
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE escrow.ledger_entries IN EXCLUSIVE MODE');

      const key = randomUUID();
      /** POST /payments with `key`: its status and problem code. */
      const pay = async (k: string) => {
        const r = await buyer.escrow.POST('/payments', {
          params: { header: { 'Idempotency-Key': k } },
          body: { orderId, paymentMethod: { type: 'sandbox', token: 'tok_ok' } },
        });
        return { status: r.response.status, code: r.error?.code };
      };
      // The storefront's first attempt: its connection dies with the process; it resends the same key.
      const firstAttempt = pay(key);
      firstAttempt.catch(() => {}); // awaited below; a failure before that must not go unhandled

      const eventTypes = async () =>
        (await s.pool.query<{ type: string }>(`SELECT type FROM escrow.events WHERE data->>'orderId' = $1 ORDER BY global_position`, [orderId])).rows.map(
          (r) => r.type,
        );
      await eventually(async () => (await eventTypes()).includes('PaymentRequested'), 'PaymentRequested is committed', 15_000);
      await eventually(
        async () =>
          (
            await s.pool.query(
              `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%ledger_entries%'`,
            )
          ).rowCount! >= 1,
        'the capture waits on the ledger lock',
        15_000,
      );
      await s.kill('escrow', 'SIGKILL');
      await locker.query('ROLLBACK');
      await s.start('escrow');

      // The resent request (same key) is held as still in flight: the claim outlives the process
      // by the idempotency store's in-flight timeout (5 minutes).
      const resent = await firstAttempt;
      expect([resent.status, resent.code]).toEqual([409, IN_FLIGHT]);
      // A new key before the reconcile deadline: refused, the payment still waits for the provider.
      const early = await pay(randomUUID());
      expect([early.status, early.code]).toEqual([409, 'PAYMENT_IN_PROGRESS']);
      expect(await eventTypes()).toEqual(['OrderRecorded', 'PaymentRequested']);

      const escrowView = async () => (await escrowRead()).data!;
      expect((await escrowView()).deadlines.map((d) => d.kind)).toEqual([expect.stringMatching(/^payment_reconcile:/)]);

      // Past the reconcile deadline (PT1M after the request), well inside the order's payment window.
      // Asked of the restarted escrow: the order process may still hold a keep-alive socket to the
      // killed one, and its settle call to escrow would fail on it (ECONNRESET).
      const advanced = await ops.post('escrow', '/ops/clock', { advanceBy: 'PT2M' }, randomUUID());
      expect([advanced.status, advanced.body]).toEqual([200, expect.objectContaining({ simulated: true })]);
      await eventually(async () => (await eventTypes()).includes('PaymentCaptured'), 'the reconciled payment is captured', 30_000);
      await eventually(
        async () => (await buyer.order.GET('/orders/{orderId}', { params: { path: { orderId } } })).data?.status === 'awaiting_shipment',
        'the order sees PaymentCaptured and awaits shipment',
        30_000,
      );

      // Retries after the fix: the same key and a new key change nothing (never held twice).
      // (same key: still the dead request's in-flight claim, or the order is already paid: 409 either way)
      const sameKey = await pay(key);
      expect(sameKey.status).toBe(409);
      const newKey = await pay(randomUUID());
      expect([newKey.status, newKey.code]).toEqual([409, 'ORDER_ALREADY_PAID']);

      const escrow = await escrowView();
      expect({ status: escrow.status, captured: escrow.captured.amount, held: escrow.held.amount, deadlines: escrow.deadlines }).toEqual({
        status: 'paid',
        captured: AMOUNT,
        held: AMOUNT,
        deadlines: [],
      });
      expect(escrow.entries.filter((e) => e.reason === 'capture')).toHaveLength(1);
      const types = await eventTypes();
      expect(types.filter((t) => t === 'PaymentCaptured')).toHaveLength(1);
      expect(types).not.toContain('PaymentReturned');
      expect(types).not.toContain('PaymentFailed');
    } catch (err) {
      failed = true;
      (err as Error).message += `\n(service logs kept in ${sys?.logDir})\n${await diagnose().catch((e: Error) => e.message)}`;
      throw err;
    }
  }, 150_000);

  /**
   * S3 after a restart (CI's stories-under-kill, 2026-12-07: POST /payments right after escrow came
   * back answered 404 ESCROW_ORDER_UNKNOWN). A restarted escrow serves at once, but its consumer gets
   * the orders topic back only once the dead member's session expired (30 s here, kafkajs's
   * default), longer than the 5 s wait for an order it has not recorded. That wait now ends in a 503
   * with Retry-After, which storefronts resend, and the same key pays once escrow caught up.
   */
  it('S3: a payment for a new order sent while the restarted escrow rejoins its group is 503 SERVICE_UNAVAILABLE with Retry-After, never 404; the same key pays once escrow caught up', async () => {
    const s = sys!;
    try {
      await s.kill('escrow', 'SIGKILL');
      await s.start('escrow');
      const shop = createStorefront({ urls: s.urls, secret: s.jwtSecret, deadlineMs: 30_000 });
      const buyer = shop.as('buyer', `buyer-${randomUUID().slice(0, 8)}`);
      const placed = await buyer.order.POST('/orders', {
        params: { header: { 'Idempotency-Key': randomUUID() } },
        body: {
          sellerId: `seller-${randomUUID().slice(0, 8)}`,
          currency: 'USD',
          items: [{ sku: 'SKU-2', title: 'Kettle', quantity: 1, unitPrice: AMOUNT }],
          shippingAddress: { name: 'Ada Buyer', line1: '1 Main St', city: 'Springfield', country: 'US' },
        },
      });
      expect(placed.response.status).toBe(201);
      const orderId = placed.data!.orderId;

      // Plain requests (the storefront's transport would resend the 503 itself): status, code, Retry-After.
      const key = randomUUID();
      const token = signDevToken({ sub: buyer.sub, role: 'buyer', secret: s.jwtSecret, ttl: 'PT1H' });
      const pay = async () => {
        const r = await fetch(`${s.urls.escrow}/payments`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify({ orderId, paymentMethod: { type: 'sandbox', token: 'tok_ok' } }),
        });
        const body = (await r.json()) as { code?: string; status?: string };
        return { status: r.status, code: body.code, paymentStatus: body.status, retryAfter: r.headers.get('retry-after') };
      };
      const first = await pay();
      expect(first).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', retryAfter: '1' });

      let last = first;
      await eventually(
        async () => {
          last = await pay();
          return last.status !== 503;
        },
        'escrow to rejoin its group and record the order',
        75_000,
        1000, // the Retry-After
      );
      expect(last).toMatchObject({ status: 201, paymentStatus: 'captured' });
    } catch (err) {
      failed = true;
      (err as Error).message += `\n(service logs kept in ${sys?.logDir})`;
      throw err;
    }
  }, 150_000);
});
