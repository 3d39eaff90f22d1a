import { randomUUID } from 'node:crypto';
import type { IncomingEvent } from '@bp/messaging';
import { type Caller, type E2eSystem, useSystem } from './system';

/**
 * One story of the seeds: the test's name and what it does against a system, over HTTP and Kafka
 * only. The stories are data (tests/e2e/stories/) so that one definition runs in several settings:
 * in-process (the story test files), against a running system (E2E_SERVICE_URLS), and with service
 * processes killed under it (crash/stories-under-kill.e2e.test.ts).
 */
export interface StoryDef {
  name: string;
  run(sys: E2eSystem): Promise<void>;
}

export const story = (name: string, run: (sys: E2eSystem) => Promise<void>): StoryDef => ({ name, run });

/** A test file of stories: one system for the file (useSystem), one test per story. */
export const describeStories = (title: string, stories: readonly StoryDef[]): void =>
  describe(title, () => {
    const sys = useSystem();
    for (const s of stories) it(s.name, () => s.run(sys));
  });

/**
 * The steps every story repeats, over the public API only. Each returns the response body and
 * fails loudly (status and problem) when the service refused, so a story reads as the scenario.
 */
/** Polls an asynchronous effect (a consumer's, a timer's) until it shows; never a fixed sleep. */
export const eventually = async (check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

export const expectStatus = <T>(r: { status: number; body: T }, status: number, what: string): T => {
  if (r.status !== status) throw new Error(`${what}: expected ${status}, got ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

export interface Parties {
  buyer: Caller;
  seller: Caller;
  agent: Caller;
}

/** Fresh ids per story, so stories in one system never see each other's orders or notices. */
export const parties = (sys: E2eSystem): Parties => {
  const tag = randomUUID().slice(0, 8);
  return { buyer: sys.as('buyer', `buyer-${tag}`), seller: sys.as('seller', `seller-${tag}`), agent: sys.as('agent', `agent-${tag}`) };
};

export const address = { name: 'Ada Buyer', line1: '1 Main St', city: 'Springfield', country: 'US' };

/** O2: one item of 50.00 USD unless told otherwise. */
export const placeOrder = async (sys: E2eSystem, p: Parties, o: { amount?: number; protectionDays?: number; handlingDays?: number } = {}) => {
  const placed = expectStatus(
    await p.buyer.post('order', '/orders', {
      sellerId: p.seller.sub,
      currency: 'USD',
      items: [{ sku: 'SKU-1', title: 'Teapot', quantity: 1, unitPrice: o.amount ?? 5000 }],
      shippingAddress: address,
      ...(o.protectionDays ? { protectionDays: o.protectionDays } : {}),
      ...(o.handlingDays ? { handlingDays: o.handlingDays } : {}),
    }),
    201,
    'place order',
  ) as { orderId: string; status: string; total: { amount: number; currency: string } };
  // S3: no settling and no polling before the next step: a storefront pays right after this
  // answer, and escrow waits server-side for the OrderPlaced it has not consumed yet.
  return placed;
};

export const getOrder = async (caller: Caller, orderId: string) => expectStatus(await caller.get('order', `/orders/${orderId}`), 200, 'get order');

/** The CloudEvents types the partner group read about one order, in the order they arrived per topic. */
export const partnerTypes = (sys: E2eSystem, orderId: string, topic?: string): string[] =>
  sys.partnerEvents({ subject: orderId, ...(topic ? { topic } : {}) }).map((e) => e.ceType);

/**
 * Waits for the partner group to have read the event of `ceType` about the order, then for the
 * services to have consumed it too (settle: no consumer lag), so the notices it causes are in the
 * inbox. Some events (a refund completing at the provider) come from background work, not from
 * the settle of the step before: against `npm start` the inbox was read a moment too early.
 */
export const partnerSaw = async (sys: E2eSystem, orderId: string, ceType: string): Promise<IncomingEvent> => {
  const event = await sys.awaitPartner((e) => e.subject === orderId && e.ceType === ceType);
  await sys.settle();
  return event;
};

/** O3: the buyer pays with the sandbox's always-accepting token; escrow captures, order becomes paid. */
export const pay = async (sys: E2eSystem, p: Parties, orderId: string) => {
  const body = expectStatus(await p.buyer.post('escrow', '/payments', { orderId, paymentMethod: { type: 'sandbox', token: 'tok_ok' } }), 201, 'pay');
  await sys.settle();
  return body;
};

/** O5: the seller ships; protection starts. */
export const ship = async (p: Parties, orderId: string) =>
  expectStatus(await p.seller.post('order', `/orders/${orderId}/shipments`, { carrier: 'UPS', trackingNumber: `1Z${orderId.slice(0, 8)}` }), 200, 'ship');

/** Place, pay and ship: the start of every protection and dispute story. */
export const shippedOrder = async (sys: E2eSystem, p: Parties, o: Parameters<typeof placeOrder>[2] = {}) => {
  const { orderId } = await placeOrder(sys, p, o);
  await pay(sys, p, orderId);
  await ship(p, orderId);
  await sys.settle();
  return orderId;
};

export interface EscrowBalances {
  status: string;
  captured: { amount: number };
  held: { amount: number };
  released: { amount: number };
  refunded: { amount: number };
  commission: { amount: number };
}

export const getEscrow = async (caller: Caller, orderId: string): Promise<EscrowBalances> =>
  expectStatus(await caller.get('escrow', `/escrows/${orderId}`), 200, 'get escrow') as EscrowBalances;

/** The amounts only, for one compact assertion per story. */
export const balances = async (caller: Caller, orderId: string) => {
  const e = await getEscrow(caller, orderId);
  return { captured: e.captured.amount, held: e.held.amount, released: e.released.amount, refunded: e.refunded.amount, commission: e.commission.amount };
};

/** The kinds of the caller's notices about one order, oldest first (N4 message center). */
export const inboxKinds = async (caller: Caller, orderId: string): Promise<string[]> => {
  const body = expectStatus(await caller.get('notification', '/inbox?limit=100'), 200, 'inbox') as { items: { kind: string; orderId: string; createdAt: string }[] };
  return body.items.filter((i) => i.orderId === orderId).reverse().map((i) => i.kind);
};

const usd = (amount: number) => ({ amount, currency: 'USD' });

export interface DisputeBody {
  goodsReceived?: boolean;
  reason?: string;
  type?: 'REFUND_ONLY' | 'RETURN_AND_REFUND';
  refund?: number;
}

/** D1, D2: the buyer opens a dispute (by default: not received, full refund only). Settles after. */
export const openDispute = async (sys: E2eSystem, p: Parties, orderId: string, o: DisputeBody = {}) => {
  const view = expectStatus(
    await p.buyer.post('dispute', '/disputes', {
      orderId,
      goodsReceived: o.goodsReceived ?? false,
      reason: o.reason ?? 'NOT_RECEIVED',
      solution: { type: o.type ?? 'REFUND_ONLY', refund: usd(o.refund ?? 5000) },
      description: 'The parcel has not arrived.',
      evidenceIds: [],
    }),
    201,
    'open dispute',
  ) as { disputeId: string; status: string };
  await sys.settle();
  return view;
};

/** A dispute command (accept, escalate, ruling…) by `caller`; the system settles after it. */
export const act = async (sys: E2eSystem, caller: Caller, disputeId: string, action: string, body: unknown = {}) => {
  const view = expectStatus(await caller.post('dispute', `/disputes/${disputeId}/${action}`, body), 200, `${caller.role} ${action}`);
  await sys.settle();
  return view;
};

export const getDispute = async (caller: Caller, disputeId: string) => expectStatus(await caller.get('dispute', `/disputes/${disputeId}`), 200, 'get dispute');

export { usd };
