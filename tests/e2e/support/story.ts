import { randomUUID } from 'node:crypto';
import type { DisputePaths, DisputeView, EscrowView, JsonBody, OrderView } from '@bp/client';
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

/** Polls an asynchronous effect (a consumer's, a timer's) until it shows; never a fixed sleep. */
export const eventually = async (check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

/** What a typed call answers (openapi-fetch): the success body, or the problem, and the response. */
export interface Answered<D, E> {
  data?: D;
  error?: E;
  response: Response;
}

/** Its status and body (the success body or the problem), for assertions on refusals. */
export const answer = <D, E>(r: Answered<D, E>): { status: number; body: D | E | undefined; headers: Headers } => ({
  status: r.response.status,
  body: r.error ?? r.data,
  headers: r.response.headers,
});

/** The success body, typed by the spec; fails loudly (status and problem) when the service answered otherwise. */
export const expectStatus = <D, E>(r: Answered<D, E>, status: number, what: string): D => {
  if (r.response.status !== status) throw new Error(`${what}: expected ${status}, got ${r.response.status} ${JSON.stringify(r.error ?? r.data)}`);
  return r.data as D;
};

/** A fresh Idempotency-Key (a declared header of every POST): a storefront sends one per user action. */
export const keyed = (key: string = randomUUID()) => ({ 'Idempotency-Key': key });

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
    await p.buyer.order.POST('/orders', {
      params: { header: keyed() },
      body: {
        sellerId: p.seller.sub,
        currency: 'USD',
        items: [{ sku: 'SKU-1', title: 'Teapot', quantity: 1, unitPrice: o.amount ?? 5000 }],
        shippingAddress: address,
        ...(o.protectionDays ? { protectionDays: o.protectionDays } : {}),
        ...(o.handlingDays ? { handlingDays: o.handlingDays } : {}),
      },
    }),
    201,
    'place order',
  );
  // S3: no settling and no polling before the next step: a storefront pays right after this
  // answer, and escrow waits server-side for the OrderPlaced it has not consumed yet.
  return placed;
};

export const getOrder = async (caller: Caller, orderId: string): Promise<OrderView> =>
  expectStatus(await caller.order.GET('/orders/{orderId}', { params: { path: { orderId } } }), 200, 'get order');

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
  const body = expectStatus(
    await p.buyer.escrow.POST('/payments', { params: { header: keyed() }, body: { orderId, paymentMethod: { type: 'sandbox', token: 'tok_ok' } } }),
    201,
    'pay',
  );
  await sys.settle();
  return body;
};

/** O5: the seller ships; protection starts. */
export const ship = async (p: Parties, orderId: string) =>
  expectStatus(
    await p.seller.order.POST('/orders/{orderId}/shipments', {
      params: { path: { orderId }, header: keyed() },
      body: { carrier: 'UPS', trackingNumber: `1Z${orderId.slice(0, 8)}` },
    }),
    200,
    'ship',
  );

/** O6: the buyer confirms receipt (answered as is: a story may expect a refusal or a repeat). */
export const confirmReceipt = (caller: Caller, orderId: string) =>
  caller.order.POST('/orders/{orderId}/confirm-receipt', { params: { path: { orderId }, header: keyed() }, body: {} });

/** Place, pay and ship: the start of every protection and dispute story. */
export const shippedOrder = async (sys: E2eSystem, p: Parties, o: Parameters<typeof placeOrder>[2] = {}) => {
  const { orderId } = await placeOrder(sys, p, o);
  await pay(sys, p, orderId);
  await ship(p, orderId);
  await sys.settle();
  return orderId;
};

export const getEscrow = async (caller: Caller, orderId: string): Promise<EscrowView> =>
  expectStatus(await caller.escrow.GET('/escrows/{orderId}', { params: { path: { orderId } } }), 200, 'get escrow');

/** The amounts only, for one compact assertion per story. */
export const balances = async (caller: Caller, orderId: string) => {
  const e = await getEscrow(caller, orderId);
  return { captured: e.captured.amount, held: e.held.amount, released: e.released.amount, refunded: e.refunded.amount, commission: e.commission.amount };
};

/** E5: what the platform owes the seller, per currency. */
export const sellerBalance = async (caller: Caller) =>
  expectStatus(await caller.escrow.GET('/sellers/{sellerId}/balance', { params: { path: { sellerId: caller.sub } } }), 200, 'seller balance');

/** The kinds of the caller's notices about one order, oldest first (N4 message center). */
export const inboxKinds = async (caller: Caller, orderId: string): Promise<string[]> => {
  const body = expectStatus(await caller.notification.GET('/inbox', { params: { query: { limit: 100 } } }), 200, 'inbox');
  return body.items
    .filter((i) => i.orderId === orderId)
    .reverse()
    .map((i) => i.kind);
};

const usd = (amount: number) => ({ amount, currency: 'USD' });

type OpenDisputeBody = DisputePaths['/disputes']['post']['requestBody']['content']['application/json'];

export interface DisputeBody {
  goodsReceived?: boolean;
  reason?: OpenDisputeBody['reason'];
  type?: 'REFUND_ONLY' | 'RETURN_AND_REFUND';
  refund?: number;
}

/** D1, D2: the buyer asks to open a dispute with `body`; answered as is (a story may expect a refusal). */
export const requestDispute = (caller: Caller, body: OpenDisputeBody) => caller.dispute.POST('/disputes', { params: { header: keyed() }, body });

/** D1, D2: the buyer opens a dispute (by default: not received, full refund only). Settles after. */
export const openDispute = async (sys: E2eSystem, p: Parties, orderId: string, o: DisputeBody = {}) => {
  const view = expectStatus(
    await requestDispute(p.buyer, {
      orderId,
      goodsReceived: o.goodsReceived ?? false,
      reason: o.reason ?? 'NOT_RECEIVED',
      solution: { type: o.type ?? 'REFUND_ONLY', refund: usd(o.refund ?? 5000) },
      description: 'The parcel has not arrived.',
      evidenceIds: [],
    }),
    201,
    'open dispute',
  );
  await sys.settle();
  return view;
};

/** The dispute commands, named by the path after /disputes/{disputeId}/ (accept, escalate, ruling…). */
type ActionOf<P> = P extends `/disputes/{disputeId}/${infer A}` ? A : never;
export type DisputeAction = ActionOf<keyof DisputePaths>;
type ActionOperation<A extends DisputeAction> = DisputePaths[`/disputes/{disputeId}/${A}`]['post'];
export type ActionBody<A extends DisputeAction> = ActionOperation<A>['requestBody']['content']['application/json'];

/** A dispute command by `caller`, answered as is (a story may expect a refusal). */
export const requestAction = <A extends DisputeAction>(caller: Caller, disputeId: string, action: A, body: ActionBody<A>) => {
  // openapi-fetch types one literal path per call; the action's own types are the signature's.
  const post = caller.dispute.POST as unknown as (path: string, init: object) => Promise<Answered<JsonBody<ActionOperation<A>, 200>, unknown>>;
  return post(`/disputes/{disputeId}/${action}`, { params: { path: { disputeId }, header: keyed() }, body });
};

/** A dispute command (accept, escalate, ruling…) by `caller`; the system settles after it. */
export const act = async <A extends DisputeAction>(sys: E2eSystem, caller: Caller, disputeId: string, action: A, body: ActionBody<A> = {} as ActionBody<A>) => {
  const view = expectStatus(await requestAction(caller, disputeId, action, body), 200, `${caller.role} ${action}`);
  await sys.settle();
  return view;
};

export const getDispute = async (caller: Caller, disputeId: string): Promise<DisputeView> =>
  expectStatus(await caller.dispute.GET('/disputes/{disputeId}', { params: { path: { disputeId } } }), 200, 'get dispute');

export { usd };
