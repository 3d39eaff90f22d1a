import { randomUUID } from 'node:crypto';
import { type Caller, command, eventually, IN_FLIGHT, type Reply, type Storefront } from './storefront';

/**
 * One order's life as a storefront drives it over HTTP against services that may die at any
 * moment (shared by the crash tests): place, wait until escrow knows the order, pay, wait until the
 * order is paid, then by story: ship and confirm receipt (`confirm`), ship and leave it to
 * auto-confirm when the clock passes protection (`auto`, 15 protection days), or cancel before
 * shipment for a full refund (`cancel`). Every step is a `command` (resent with the same key on
 * no answer, checked against the state when its fate is unknown).
 */
export type Story = 'confirm' | 'auto' | 'cancel';

export interface Placed {
  i: number;
  orderId: string;
  story: Story;
  buyer: Caller;
  seller: Caller;
}

export interface LifecycleStats {
  /** Keys answered IN_FLIGHT (claimed by a request its process never finished). */
  inFlight: number;
  /** Steps refused as a repeat of one that had in fact taken effect. */
  alreadyDone: number;
  /** Payments left `requested` by a cut POST /payments, captured later by escrow's reconcile (E4). */
  reconciledPayments: number;
}

export const newLifecycleStats = (): LifecycleStats => ({ inFlight: 0, alreadyDone: 0, reconciledPayments: 0 });

export type Step = 'placed' | 'paid' | 'shipped' | 'confirmed' | 'cancelled';

export interface LifecycleOptions {
  shop: Storefront;
  i: number;
  story: Story;
  amount: number;
  /** How long one step may wait (a restarted service answers, a consumer rejoins). */
  stepMs: number;
  stats: LifecycleStats;
  onStep?: (step: Step) => void;
  /** Wraps POST /payments (e.g. a fence that keeps payments out of an escrow kill). */
  aroundPay?: (pay: () => Promise<void>) => Promise<void>;
  /** Awaited right before the buyer confirms receipt (e.g. to keep some confirms for after a kill). */
  beforeConfirm?: () => Promise<void>;
  /**
   * A POST /payments cut between its two transactions leaves the payment `requested`; only escrow's
   * payment_reconcile deadline (PT1M on the simulated clock) captures it. Resolves once the clock
   * may have passed it (the lifecycle then waits for the capture); without it such a payment fails
   * the lifecycle.
   */
  paymentStuck?: () => Promise<void>;
  /** Poll interval of the waits between steps (default 100 ms). */
  pollMs?: number;
}

const code = (r: Reply): string | undefined => (r.body as { code?: string } | undefined)?.code;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A typed call's answer as the storefront's `command` reads it: status and body (success or problem). */
const reply = <D, E>(r: { data?: D; error?: E; response: Response }): Reply<D | E | undefined> => ({ status: r.response.status, body: r.error ?? r.data });
const idempotent = (key: string) => ({ 'Idempotency-Key': key });

export const runLifecycle = async (o: LifecycleOptions): Promise<Placed> => {
  const { shop, i, story, amount, stepMs, stats } = o;
  const poll = o.pollMs ?? 100;
  const tag = `${i}-${randomUUID().slice(0, 8)}`;
  const buyer = shop.as('buyer', `buyer-${tag}`);
  const seller = shop.as('seller', `seller-${tag}`);
  const orderStatus = async (c: Caller, orderId: string): Promise<string | undefined> =>
    (await c.order.GET('/orders/{orderId}', { params: { path: { orderId } } })).data?.status;

  let orderId: string | undefined;
  await command(
    `order ${i}: place`,
    async (key) => {
      const r = await buyer.order.POST('/orders', {
        params: { header: idempotent(key) },
        body: {
          sellerId: seller.sub,
          currency: 'USD',
          items: [{ sku: `SKU-${i}`, title: 'Teapot', quantity: 1, unitPrice: amount }],
          shippingAddress: { name: 'Ada Buyer', line1: '1 Main St', city: 'Springfield', country: 'US' },
          ...(story === 'auto' ? { protectionDays: 15 } : {}),
        },
      });
      if (r.data) orderId = r.data.orderId;
      return reply(r);
    },
    201,
    // One buyer, one order: the list says whether the lost request placed it.
    async () => {
      const r = await buyer.order.GET('/orders', { params: { query: { as: 'buyer' } } });
      orderId = r.data?.items[0]?.orderId;
      return orderId !== undefined;
    },
    stats,
  );
  const id = orderId!;
  o.onStep?.('placed');

  const escrow = () => buyer.escrow.GET('/escrows/{orderId}', { params: { path: { orderId: id } } });
  await eventually(async () => (await escrow()).response.status === 200, `escrow knows order ${i} ${id}`, stepMs, poll);
  const captured = async () => (await escrow()).data?.captured.amount === amount;
  const pay = async (): Promise<void> => {
    const post = async (key: string) =>
      reply(
        await buyer.escrow.POST('/payments', {
          params: { header: idempotent(key) },
          body: { orderId: id, paymentMethod: { type: 'sandbox', token: 'tok_ok' } },
        }),
      );
    for (let keys = 0; keys < 5; keys++) {
      const key = randomUUID();
      let r = await post(key);
      for (let wait = 0; r.status === 409 && code(r) === IN_FLIGHT && wait < 3; wait++) {
        await pause(1000); // the Retry-After the service sends
        r = await post(key);
      }
      if (r.status === 201 && (r.body as { status?: string }).status === 'captured') return;
      if (r.status === 409 && code(r) === 'ORDER_ALREADY_PAID') return;
      if (r.status === 409 && code(r) === IN_FLIGHT) {
        stats.inFlight++;
        if (await captured()) return;
        continue; // a fresh key: either it pays, or it says a payment is in progress
      }
      if (r.status === 409 && code(r) === 'PAYMENT_IN_PROGRESS') {
        // A live request may still be finishing; one cut between its transactions waits for reconcile.
        if (
          await eventually(captured, `order ${i}: the payment in progress is captured`, 3000, 250).then(
            () => true,
            () => false,
          )
        )
          return;
        if (!o.paymentStuck) throw new Error(`order ${i}: payment left requested (PAYMENT_IN_PROGRESS) and nothing moves the clock to reconcile it`);
        stats.reconciledPayments++;
        await o.paymentStuck();
        await eventually(captured, `order ${i} ${id}: the requested payment is reconciled and captured`, stepMs, 250);
        return;
      }
      throw new Error(`order ${i}: pay: expected 201 captured, got ${r.status} ${JSON.stringify(r.body)}`);
    }
    throw new Error(`order ${i}: pay: still not done after 5 idempotency keys`);
  };
  await (o.aroundPay ? o.aroundPay(pay) : pay());
  o.onStep?.('paid');

  await eventually(async () => (await orderStatus(buyer, id)) === 'awaiting_shipment', `order ${i} ${id} is paid`, stepMs, poll);
  if (story === 'cancel') {
    await command(
      `order ${i}: cancel`,
      async (key) => reply(await buyer.order.POST('/orders/{orderId}/cancel', { params: { path: { orderId: id }, header: idempotent(key) }, body: {} })),
      200,
      async () => (await orderStatus(buyer, id)) === 'closed',
      stats,
    );
    o.onStep?.('cancelled');
    return { i, orderId: id, story, buyer, seller };
  }
  await command(
    `order ${i}: ship`,
    async (key) =>
      reply(
        await seller.order.POST('/orders/{orderId}/shipments', {
          params: { path: { orderId: id }, header: idempotent(key) },
          body: { carrier: 'UPS', trackingNumber: `1Z${id.slice(0, 8)}` },
        }),
      ),
    200,
    async () => (await orderStatus(seller, id)) === 'shipped',
    stats,
  );
  o.onStep?.('shipped');

  if (story === 'confirm') {
    await o.beforeConfirm?.();
    await command(
      `order ${i}: confirm receipt`,
      async (key) =>
        reply(await buyer.order.POST('/orders/{orderId}/confirm-receipt', { params: { path: { orderId: id }, header: idempotent(key) }, body: {} })),
      200,
      async () => (await orderStatus(buyer, id)) === 'completed',
      stats,
    );
    o.onStep?.('confirmed');
  }
  return { i, orderId: id, story, buyer, seller };
};
