import fc from 'fast-check';
import { isDomainError, type Actor, type Money } from '@bp/contracts';
import { fold } from '@bp/eventstore';
import { deadlines, disputeDecider, orderFactsCommandsFor, type DisputeCommand, type DisputeEvent, type DisputeState } from '../../src/domain/dispute';
import { disputeFactsOf, orderFactsDecider, type OrderFactsEvent } from '../../src/domain/order-facts';
import { agent, buyer, cmd, day, image, open, PAID, policy, SHIPPED_AT, seller, system, usd } from './fixtures';

/**
 * Random sequences of commands and deadline firings over one order with several disputes.
 * Invariants: one settlement per dispute, nothing after withdrawal, one open dispute per order (D1),
 * amounts never above the paid total (D2, D8, R8).
 */
type Step =
  | { k: 'advance'; hours: number }
  | { k: 'open'; refund: number; type: 'REFUND_ONLY' | 'RETURN_AND_REFUND'; received: boolean }
  | { k: 'act'; make: (now: string) => DisputeCommand };

const amount = fc.integer({ min: 0, max: PAID.amount + 500 });
const who = fc.constantFrom<Actor>(buyer, seller, agent);
const act = (f: (now: string, ...a: any[]) => DisputeCommand, ...arbs: fc.Arbitrary<any>[]) =>
  fc.tuple(...arbs).map((a): Step => ({ k: 'act', make: (now) => f(now, ...a) }));

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.integer({ min: 1, max: 24 * 8 }).map((hours): Step => ({ k: 'advance', hours })),
  fc
    .record({ refund: amount, type: fc.constantFrom('REFUND_ONLY' as const, 'RETURN_AND_REFUND' as const), received: fc.boolean() })
    .map((r): Step => ({ k: 'open', ...r })),
  act((now, a: Actor) => cmd('AcceptProposal', {}, a, now), who),
  act(
    (now, t, r) => cmd('CounterPropose', { solution: { type: t, refund: usd(r) }, message: 'c', evidence: [] }, seller, now),
    fc.constantFrom('REFUND_ONLY' as const, 'RETURN_AND_REFUND' as const, 'RESEND' as const),
    amount,
  ),
  act((now, r) => cmd('EditProposal', { solution: { type: 'RETURN_AND_REFUND', refund: usd(r) }, evidence: [image()] }, buyer, now), amount),
  act((now, a: Actor) => cmd('Escalate', {}, a, now), who),
  act((now) => cmd('Withdraw', {}, buyer, now)),
  act((now, a: Actor) => cmd('PostMessage', { text: 'hi', evidence: [] }, a, now), who),
  act(
    (now, r, ret, c) => cmd('Rule', { refund: usd(r), returnRequired: ret, note: 'n', ...(c ? { returnShippingCompensation: usd(c) } : {}) }, agent, now),
    amount,
    fc.boolean(),
    fc.integer({ min: 0, max: 800 }),
  ),
  act((now) => cmd('Rule', { proposalId: 'd1-p1', note: 'n' }, agent, now)),
  act((now) => cmd('ShipReturn', { carrier: 'c', trackingNumber: 't' }, buyer, now)),
  act(
    (now, condition) => cmd('ConfirmReturnReceipt', { condition }, seller, now),
    fc.constantFrom('RECEIVED_OK' as const, 'NOT_RECEIVED' as const, 'DAMAGED' as const),
  ),
  act((now) => cmd('ShipResend', { carrier: 'c', trackingNumber: 't' }, seller, now)),
  act(
    (now, a: Actor) => cmd('FileAppeal', { reason: 'RESOLUTION_NOT_ACCEPTED', subReasons: [], statement: 's', evidence: [] }, a, now),
    fc.constantFrom(buyer, agent),
  ),
  act(
    (now, d, r) => cmd('DecideAppeal', { decision: d, refund: usd(r), note: 'n' }, agent, now),
    fc.constantFrom('UPHOLD' as const, 'OVERTURN' as const),
    amount,
  ),
  act((now) => cmd('FireDeadline', { kind: 'seller_response', dueAt: SHIPPED_AT }, system, now)),
);

const OPEN = ['awaiting_seller', 'awaiting_buyer', 'awaiting_resend', 'in_arbitration', 'awaiting_ruling', 'awaiting_return_shipment', 'return_in_transit'];

class World {
  now = day(7);
  order: OrderFactsEvent[] = [];
  disputes = new Map<string, DisputeEvent[]>();
  constructor() {
    const m = { now: day(-1) };
    for (const c of [
      {
        type: 'RecordOrderPlaced' as const,
        data: { orderId: 'order-1', buyerId: buyer.id, sellerId: seller.id, total: PAID, protectionDays: 60, policy, placedAt: day(-2) },
        meta: m,
      },
      { type: 'RecordOrderPaid' as const, data: { orderId: 'order-1', amount: PAID, paidAt: day(-1) }, meta: m },
      { type: 'RecordOrderShipped' as const, data: { orderId: 'order-1', shippedAt: SHIPPED_AT, protectionEndsAt: day(60) }, meta: m },
    ])
      this.order.push(...orderFactsDecider.decide(c, fold(orderFactsDecider, this.order)));
  }
  stateOf = (id: string): DisputeState => fold(disputeDecider, this.disputes.get(id) ?? []);
  apply(id: string, c: DisputeCommand): void {
    const events = refusalsAllowed(() => disputeDecider.decide(c, this.stateOf(id))) ?? [];
    this.disputes.set(id, [...(this.disputes.get(id) ?? []), ...events]);
    for (const e of events)
      for (const oc of orderFactsCommandsFor(e, this.now)) this.order.push(...orderFactsDecider.decide(oc, fold(orderFactsDecider, this.order)));
  }
  open(s: Extract<Step, { k: 'open' }>): void {
    const id = `d${this.disputes.size + 1}`;
    const facts = disputeFactsOf(fold(orderFactsDecider, this.order), 'A1', ['A4'])!;
    const reserve = { type: 'ReserveDispute' as const, data: { orderId: 'order-1', disputeId: id }, meta: { now: this.now } };
    const command = open({ disputeId: id, goodsReceived: s.received, solution: { type: s.type, refund: usd(s.refund) }, order: facts }, this.now);
    // One transaction in the handler: both succeed or nothing is appended.
    const both = refusalsAllowed(
      () => [orderFactsDecider.decide(reserve, fold(orderFactsDecider, this.order)), disputeDecider.decide(command, this.stateOf(id))] as const,
    );
    if (!both) return;
    this.order.push(...both[0]);
    this.disputes.set(id, both[1]);
  }
  fireDue(): void {
    for (const id of this.disputes.keys()) {
      for (let guard = 0; guard < 10; guard++) {
        const due = deadlines(this.stateOf(id))
          .filter((d) => Date.parse(d.dueAt) <= Date.parse(this.now))
          .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0];
        if (!due) break;
        this.apply(id, { type: 'FireDeadline', data: { kind: due.kind as never, dueAt: due.dueAt }, meta: { now: this.now, actor: system } });
      }
    }
  }
  run(s: Step): void {
    if (s.k === 'advance') this.now = new Date(Date.parse(this.now) + s.hours * 3_600_000).toISOString();
    else if (s.k === 'open') this.open(s);
    else if (this.disputes.size) this.apply(`d${this.disputes.size}`, s.make(this.now));
    this.fireDue();
  }
}

const refusalsAllowed = <T>(f: () => T): T | null => {
  try {
    return f();
  } catch (e) {
    if (isDomainError(e)) return null;
    throw e;
  }
};

const moneyOf = (e: DisputeEvent): Money[] => {
  switch (e.type) {
    case 'DisputeSettled':
      return [e.data.refund];
    case 'FastRefundGranted':
      return [e.data.amount];
    case 'AppealDecided':
      return [e.data.refund];
    case 'ReturnRequested':
      return [e.data.refund];
    case 'DisputeRuled':
      return [e.data.refund];
    case 'DisputeOpened':
    case 'DisputeCounterProposed':
    case 'DisputeProposalEdited':
      return [e.data.proposal.refund];
    default:
      return [];
  }
};

const checkDispute = (events: DisputeEvent[], state: DisputeState): void => {
  const settlements = events.filter((e) => e.type === 'DisputeSettled').length;
  expect(settlements).toBeLessThanOrEqual(1);
  const ended = state.status === 'resolved' || state.status === 'appeal_decided';
  const resent = events.some((e) => e.type === 'ResendShipped');
  if (ended && !resent) expect(settlements).toBe(1);
  const w = events.findIndex((e) => e.type === 'DisputeWithdrawn');
  if (w >= 0) expect(events.slice(w + 1)).toEqual([]);
  for (const m of events.flatMap(moneyOf)) expect(m.amount).toBeLessThanOrEqual(PAID.amount);
};

describe('dispute properties (fast-check)', () => {
  it('one settlement, nothing after withdrawal, one open dispute per order, amounts <= paid', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const world = new World();
        for (const s of steps) {
          world.run(s);
          const open = [...world.disputes.keys()].filter((id) => OPEN.includes(world.stateOf(id).status));
          expect(open.length).toBeLessThanOrEqual(1);
          const facts = fold(orderFactsDecider, world.order);
          if (open.length && facts.status !== 'unknown') expect(facts.openDisputeId).toBe(open[0]);
        }
        for (const [id, events] of world.disputes) checkDispute(events, world.stateOf(id));
      }),
      { numRuns: 150 },
    );
  });
});
