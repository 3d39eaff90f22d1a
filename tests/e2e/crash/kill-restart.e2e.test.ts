import { randomUUID } from 'node:crypto';
import type { EscrowView, OrderView } from '@bp/client';
import { Topics } from '@bp/contracts';
import type { ServiceName } from '@bp/runtime';
import { type Partner, startPartner } from './support/partner';
import { type ServiceProcesses, startServiceProcesses } from './support/processes';
import { newLifecycleStats, type Placed, runLifecycle } from './support/lifecycle';
import { createStorefront, eventually, type Storefront } from './support/storefront';

/**
 * Issue 9, last item: killing one service process during the run and starting it again loses
 * nothing. The four services run as real processes (as `npm start` runs them); 30 order lifecycles
 * run at once over HTTP while escrow is SIGKILLed in the middle of the payments and, once it is
 * back and orders flow again, order is SIGKILLed in the middle of shipping and confirming. Each is
 * started again at once. Storefronts retry what got no answer. (No POST /payments is in flight at
 * escrow's kill: see the known bug in payment-crash.e2e.test.ts.) At the end every order is completed,
 * every escrow released exactly once (API, event log, ledger), and a partner reading the topics
 * sees each completion and each release once (by ce_id).
 */
const N = 30;
/** Every fifth order is left to auto-confirm when protection (15 days) runs out on the clock. */
const isAuto = (i: number) => i % 5 === 4;
const AMOUNT = 5000;
/**
 * How long one step may wait. A killed service answers again only ~30 s after its restart: startup
 * awaits the consumer's group join (kafkajs run()), and the join waits until the dead member's
 * session (kafkajs default 30 s) has expired.
 */
const STEP_MS = 75_000;

describe('kill -9 a service mid-run and start it again: nothing is lost (issue 9)', () => {
  let sys: ServiceProcesses | undefined;
  let partner: Partner | undefined;
  let failed = false;

  beforeAll(async () => {
    sys = await startServiceProcesses();
    partner = await startPartner({ brokers: sys.brokers, topics: [Topics.orders, Topics.escrow], groupId: `partner-${randomUUID().slice(0, 8)}` });
  }, 90_000);

  afterAll(async () => {
    await partner?.stop();
    await sys?.stop({ keepLogs: failed });
  }, 60_000);

  /** On failure: the services' warnings and errors, and where the full logs are kept. */
  const withLogs = async (run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (err) {
      failed = true;
      const s = sys!;
      const logs = s.names.map((n) => `--- ${n} (pids ${s.history()[n].join(', ')}) ---\n${s.tail(n, 15)}`).join('\n');
      (err as Error).message += `\n\nservice logs (kept in ${s.logDir}):\n${logs}`;
      throw err;
    }
  };

  it(
    '30 concurrent lifecycles, escrow then order killed and restarted: all completed, each escrow released once',
    () =>
      withLogs(async () => {
        const s = sys!;
        const shop: Storefront = createStorefront({ urls: s.urls, secret: s.jwtSecret, deadlineMs: STEP_MS });
        const ops = shop.as('ops', 'ops-crash');
        const progress = { placed: 0, paid: 0, shipped: 0, confirmed: 0 };
        const stats = newLifecycleStats();
        let lifecyclesDone = false;
        let chaosOver = false;
        const paymentFence = { closed: false, active: 0 };
        // The second half pays only once escrow is back and confirms only once order was killed, so
        // that both kills land mid-run however quick the machine (the first half alone drives them).
        const held = (i: number) => i >= N / 2;
        const PROBE = N / 2 - 1;
        let escrowBack = false;

        const lifecycle = (i: number): Promise<Placed> =>
          runLifecycle({
            shop,
            i,
            story: isAuto(i) ? 'auto' : 'confirm',
            amount: AMOUNT,
            stepMs: STEP_MS,
            stats,
            pollMs: 50,
            onStep: (step) => {
              if (step in progress) progress[step as keyof typeof progress]++;
            },
            // No POST /payments in flight when escrow is killed (see chaos below).
            aroundPay: async (pay) => {
              if (held(i)) await eventually(async () => escrowBack || chaosOver, `escrow restarted before order ${i} pays`, 2 * STEP_MS);
              // The probe pays only once the fence has closed: the fence opens as escrow dies, so its
              // POST /payments meets the dead service and is resent, however quick the machine.
              if (i === PROBE) await eventually(async () => paymentFence.closed || chaosOver, `the payment fence closes before order ${i} pays`, 2 * STEP_MS);
              await eventually(async () => !paymentFence.closed, `the payment fence opens for order ${i}`, STEP_MS);
              paymentFence.active++;
              try {
                await pay();
              } finally {
                paymentFence.active--;
              }
            },
            beforeConfirm: held(i)
              ? () => eventually(async () => kills.length >= 2 || chaosOver, `order killed before order ${i} is confirmed`, 3 * STEP_MS)
              : undefined,
          });

        // The faults, driven by the traffic's progress rather than by time.
        const kills: { service: ServiceName; at: typeof progress }[] = [];
        const killAndRestart = async (service: ServiceName) => {
          kills.push({ service, at: { ...progress } });
          await s.kill(service, 'SIGKILL');
          paymentFence.closed = false;
          await s.start(service);
        };
        const chaos = async () => {
          await eventually(async () => progress.paid >= 10 || lifecyclesDone, '10 orders paid', STEP_MS);
          if (lifecyclesDone) return;
          // A POST /payments cut between its two transactions is recovered by escrow's reconcile
          // deadline (E4, proven in payment-crash.e2e.test.ts), which fires only when the simulated
          // clock passes it; this story moves the clock only at its end, so no payment is in flight
          // when escrow dies (everything else on escrow is: reads, its consumer, its relay).
          paymentFence.closed = true;
          await eventually(async () => paymentFence.active === 0, 'no payment in flight', STEP_MS);
          await killAndRestart('escrow');
          escrowBack = true;
          // Once the held half pays through the restarted escrow: order, amid payments and ships.
          const base = progress.paid;
          await eventually(async () => progress.paid >= base + 2 || lifecyclesDone, '2 more orders paid after the escrow restart', 2 * STEP_MS);
          if (lifecyclesDone) return;
          // Killed while requests to it wait for their answer, so the kill hits live traffic.
          await eventually(async () => (shop.inFlight.order ?? 0) > 0 || lifecyclesDone, 'a request to the order service in flight', STEP_MS, 5);
          if (lifecyclesDone) return;
          await killAndRestart('order');
        };

        const chaosRun = chaos().finally(() => (chaosOver = true));
        chaosRun.catch(() => {}); // awaited below, after the lifecycles
        const results = await Promise.allSettled(Array.from({ length: N }, (_, i) => lifecycle(i)));
        lifecyclesDone = true;
        await chaosRun;
        const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as Error).message);
        expect(failures).toEqual([]);
        const orders = results.map((r) => (r as PromiseFulfilledResult<Placed>).value);

        // Both kills happened, mid-run, and hit live traffic (requests that got no answer and were resent).
        expect(kills.map((k) => k.service)).toEqual(['escrow', 'order']);
        expect(kills[0]!.at.paid).toBeLessThan(N);
        expect(kills[1]!.at.confirmed).toBeLessThan(N - orders.filter((o) => o.story === 'auto').length);
        const pids = s.history();
        expect([pids.escrow.length, pids.order.length, pids.dispute.length, pids.notification.length]).toEqual([2, 2, 1, 1]);
        expect(shop.retries.escrow ?? 0).toBeGreaterThan(0);
        expect(shop.retries.order ?? 0).toBeGreaterThan(0);

        // Protection runs out for the auto-confirm orders (shipped at the same simulated instant).
        const moved = await ops.post('order', '/ops/clock', { advanceBy: 'P15D' }, randomUUID());
        expect(moved.status).toBe(200);

        // Every order completed, for the reason its story gave.
        const views = new Map<string, OrderView>();
        await eventually(
          async () => {
            for (const o of orders) {
              if (views.get(o.orderId)?.status === 'completed') continue;
              const r = await o.buyer.order.GET('/orders/{orderId}', { params: { path: { orderId: o.orderId } } });
              if (r.data) views.set(o.orderId, r.data);
            }
            return orders.every((o) => views.get(o.orderId)?.status === 'completed');
          },
          'every order is completed',
          STEP_MS,
        ).catch(() => undefined);
        const reasons = orders.map((o) => `${views.get(o.orderId)?.status}/${views.get(o.orderId)?.completionReason}`);
        expect(reasons).toEqual(orders.map((o) => (o.story === 'auto' ? 'completed/AUTO_CONFIRMED' : 'completed/CONFIRMED')));

        // Every escrow released in full, nothing held, nothing refunded (the API's view).
        const escrows = new Map<string, EscrowView>();
        await eventually(
          async () => {
            for (const o of orders) {
              if (escrows.get(o.orderId)?.released.amount === AMOUNT) continue;
              const r = await o.seller.escrow.GET('/escrows/{orderId}', { params: { path: { orderId: o.orderId } } });
              if (r.data) escrows.set(o.orderId, r.data);
            }
            return orders.every((o) => escrows.get(o.orderId)?.released.amount === AMOUNT);
          },
          'every escrow is released',
          STEP_MS,
        ).catch(() => undefined);
        const amounts = orders.map((o) => {
          const e = escrows.get(o.orderId);
          return e && { captured: e.captured.amount, held: e.held.amount, released: e.released.amount, refunded: e.refunded.amount };
        });
        expect(amounts).toEqual(orders.map(() => ({ captured: AMOUNT, held: 0, released: AMOUNT, refunded: 0 })));

        // The escrow log: exactly one capture and one release per order, nothing for anything else.
        const { rows } = await s.pool.query<{ type: string; orders: number; events: number }>(
          `SELECT type, count(DISTINCT data->>'orderId')::int AS orders, count(*)::int AS events
           FROM escrow.events WHERE type IN ('PaymentCaptured', 'FundsReleased') GROUP BY type ORDER BY type`,
        );
        expect(rows).toEqual([
          { type: 'FundsReleased', orders: N, events: N },
          { type: 'PaymentCaptured', orders: N, events: N },
        ]);
        const { rows: released } = await s.pool.query<{ order_id: string }>(
          `SELECT DISTINCT data->>'orderId' AS order_id FROM escrow.events WHERE type = 'FundsReleased'`,
        );
        expect(released.map((r) => r.order_id).sort()).toEqual(orders.map((o) => o.orderId).sort());

        // The ledger agrees with itself: conservation, no double release (E3), nothing left held.
        const verify = await ops.escrow.GET('/ledger/verify');
        expect(verify.response.status).toBe(200);
        expect(verify.data).toEqual({ ordersChecked: N, violations: [] });

        // The partner's view: each completion and each release once, by ce_id (resends allowed).
        const distinct = (topic: string, type: string) => {
          const events = partner!.events().filter((e) => e.topic === topic && e.type === type);
          return { ids: new Set(events.map((e) => e.id)).size, subjects: [...new Set(events.map((e) => e.subject))].sort() };
        };
        await eventually(
          async () => distinct(Topics.orders, 'OrderCompleted').ids >= N && distinct(Topics.escrow, 'FundsReleased').ids >= N,
          'the partner read every OrderCompleted and FundsReleased',
          STEP_MS,
        ).catch(() => undefined);
        const ids = orders.map((o) => o.orderId).sort();
        expect(distinct(Topics.orders, 'OrderCompleted')).toEqual({ ids: N, subjects: ids });
        expect(distinct(Topics.escrow, 'FundsReleased')).toEqual({ ids: N, subjects: ids });
      }),
    180_000,
  );
});
