import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Caller, HttpError, type Reply } from './clients';
import type { Recorder } from './stats';

/**
 * One storefront order from placement to money moved, over the public API only (API.md). The
 * client waits for each cross-service effect the way a storefront would: an effect it reads (the
 * order paid, the escrow released or refunded) by GETs that wait for the next version (If-None-Match
 * + Prefer: wait), a command the next service must first learn about (pay, open a dispute) by
 * retrying at POLL_MS; what it observes is recorded as "client-observed" propagation. The precise,
 * log-based propagation is computed afterwards from the services' event logs.
 */
export const POLL_MS = 50;
const WAIT_MS = 30_000;

export interface Party {
  buyer: Caller;
  seller: Caller;
}

export interface LifecycleSinks {
  /** Client-observed propagation, ms. */
  observed: Recorder;
  /** Answers that made the client retry (retryable refusals), by endpoint and status. */
  retries: Recorder;
}

const address = { name: 'Bench Buyer', line1: '1 Main St', city: 'Springfield', country: 'US' };

/** Any 2xx: 201 for creations, 200 for commands (the exact code is the API's business, not the bench's). */
const expect = (r: Reply, _status: number, what: string): Reply => {
  if (r.status < 200 || r.status > 299) throw new HttpError(what, r);
  return r;
};

/**
 * Repeats `attempt` while it answers a retryable refusal: 404 (the next service has not heard of the
 * order yet), 409 (a concurrent update or a fact not arrived), 429. Resolves with the success and
 * the time (performance.now) at which the successful attempt was sent.
 */
const retrying = async (what: string, sinks: LifecycleSinks, attempt: () => Promise<Reply>, ok: number): Promise<{ reply: Reply; sentAt: number }> => {
  const until = performance.now() + WAIT_MS;
  for (;;) {
    const sentAt = performance.now();
    const reply = await attempt();
    if (reply.status === ok || (reply.status >= 200 && reply.status < 300)) return { reply, sentAt };
    if (![404, 409, 422, 429].includes(reply.status) || performance.now() > until) throw new HttpError(what, reply);
    sinks.retries.add(`${what} ${reply.status} ${String((reply.body as { code?: string } | undefined)?.code ?? '')}`.trim(), 1);
    // The storefront's retry pace, the same as its polling: a tighter loop would itself load the
    // service the load is waiting on (a 10 ms retry made collapse worse at 30 clients).
    await sleep(reply.status === 429 ? 200 : POLL_MS);
  }
};

/** How long one waiting GET asks to wait (Prefer: wait=<s>); the service caps it (api.changeWaitMax). */
const CHANGE_WAIT_S = 10;
/**
 * LOAD_WAIT=poll makes the clients poll every POLL_MS instead (a GET each time, as before the
 * waiting GET existed): the side-by-side measure of what the waiting GETs take off the services.
 */
const POLL = process.env.LOAD_WAIT === 'poll';

/**
 * Waits with GETs of `path` that each wait server-side for the next version (no polling): returns
 * when the answer showing the effect arrived.
 */
const waitForChange = async (what: string, c: Caller, service: string, path: string, key: string, seen: (r: Reply) => boolean): Promise<number> => {
  const until = performance.now() + WAIT_MS;
  let version: number | undefined;
  for (;;) {
    if (POLL && version !== undefined) await sleep(POLL_MS);
    const r =
      version === undefined || POLL
        ? await c.call(service, 'GET', path, key)
        : await c.call(service, 'GET', path, `${key} (waiting for a change)`, undefined, { 'if-none-match': `"${version}"`, prefer: `wait=${CHANGE_WAIT_S}` });
    if (r.status === 200 && seen(r)) return performance.now();
    if (r.status === 200) version = (r.body as { version: number }).version;
    else if (r.status !== 304 || performance.now() > until) throw new HttpError(`waiting for ${what}`, r);
  }
};

type Money = { amount: number; currency: string };

/** place → pay (tok_ok) → order paid → ship; returns the order for the rest of its story. */
const placePayShip = async (p: Party, sinks: LifecycleSinks): Promise<{ orderId: string; total: Money }> => {
  const placed = expect(
    await p.buyer.call('order', 'POST', '/orders', 'POST /orders', {
      sellerId: p.seller.sub,
      currency: 'USD',
      items: [{ sku: 'SKU-1', title: 'Teapot', quantity: 1, unitPrice: 5000 }],
      shippingAddress: address,
    }),
    201,
    'place order',
  );
  const placedAt = performance.now();
  const { orderId, total } = placed.body as { orderId: string; total: Money };

  const pay = await retrying(
    'POST /payments',
    sinks,
    () => p.buyer.call('escrow', 'POST', '/payments', 'POST /payments', { orderId, paymentMethod: { type: 'sandbox', token: 'tok_ok' } }),
    201,
  );
  if ((pay.reply.body as { status?: string }).status !== 'captured') throw new HttpError('payment not captured', pay.reply);
  sinks.observed.add('OrderPlaced → escrow accepts payment', pay.sentAt - placedAt);
  const paidAt = performance.now();

  const seenPaid = await waitForChange(
    'order paid',
    p.buyer,
    'order',
    `/orders/${orderId}`,
    'GET /orders/:id',
    (r) => (r.body as { status?: string }).status !== 'awaiting_payment',
  );
  sinks.observed.add('PaymentCaptured → order paid', Math.max(0, seenPaid - paidAt));

  expect(
    await p.seller.call('order', 'POST', `/orders/${orderId}/shipments`, 'POST /orders/:id/shipments', {
      carrier: 'UPS',
      trackingNumber: `1Z${randomUUID().slice(0, 12)}`,
    }),
    200,
    'ship',
  );
  return { orderId, total };
};

/** The happy path: … → confirm receipt → escrow released. */
export const normalLifecycle = async (p: Party, sinks: LifecycleSinks): Promise<string> => {
  const { orderId } = await placePayShip(p, sinks);
  expect(await p.buyer.call('order', 'POST', `/orders/${orderId}/confirm-receipt`, 'POST /orders/:id/confirm-receipt', {}), 200, 'confirm receipt');
  const confirmedAt = performance.now();
  const seen = await waitForChange(
    'escrow released',
    p.buyer,
    'escrow',
    `/escrows/${orderId}`,
    'GET /escrows/:id',
    (r) => ((r.body as { released?: Money }).released?.amount ?? 0) > 0,
  );
  sinks.observed.add('OrderCompleted → escrow released', Math.max(0, seen - confirmedAt));
  return orderId;
};

/**
 * A dispute: … → delivery reported (O10, so D1's six days need not pass on the shared clock) →
 * buyer opens for a full refund (not received) → seller accepts → escrow refunded.
 */
export const disputeLifecycle = async (p: Party, sinks: LifecycleSinks): Promise<string> => {
  const { orderId, total } = await placePayShip(p, sinks);
  expect(await p.seller.call('order', 'POST', `/orders/${orderId}/delivery`, 'POST /orders/:id/delivery', {}), 200, 'report delivery');
  const deliveredAt = performance.now();
  const open = await retrying(
    'POST /disputes',
    sinks,
    () =>
      p.buyer.call('dispute', 'POST', '/disputes', 'POST /disputes', {
        orderId,
        goodsReceived: false,
        reason: 'NOT_RECEIVED',
        solution: { type: 'REFUND_ONLY', refund: total },
        description: 'never arrived (bench)',
        evidenceIds: [],
      }),
    201,
  );
  sinks.observed.add('OrderDelivered → dispute can open', open.sentAt - deliveredAt);
  const disputeId = (open.reply.body as { disputeId: string }).disputeId;
  expect(await p.seller.call('dispute', 'POST', `/disputes/${disputeId}/accept`, 'POST /disputes/:id/accept', {}), 200, 'accept dispute');
  const acceptedAt = performance.now();
  const seen = await waitForChange(
    'escrow refunded',
    p.buyer,
    'escrow',
    `/escrows/${orderId}`,
    'GET /escrows/:id',
    (r) => ((r.body as { refunded?: Money }).refunded?.amount ?? 0) >= total.amount,
  );
  sinks.observed.add('DisputeSettled → escrow refunded', Math.max(0, seen - acceptedAt));
  return orderId;
};
