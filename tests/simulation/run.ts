// One seeded run of the whole system (issue 17): a scheduler that, step by step, chooses which
// caller command arrives (buyer, seller, agent, partner, payment provider), which message is
// delivered to which consumer group (late, twice, across partitions in any order, never out of order
// within one), which consumer lags or restarts (resuming at its committed offset), which due timer
// fires (also rows a scheduler picked up just before the state moved on) and how far the clock moves.
// The same seed gives the same run: SIM_SEED=<seed> replays a failure.
import { seededRandom } from '@bp/messaging';
import { defaultPolicy, snapshotOf } from '@bp/timers';
import type { Actor } from '@bp/contracts';
import type { DisputeCommand } from '../../services/dispute/src/domain';
import { Invariants, type Violation } from './invariants';
import { SimSystem, type OldBehaviour } from './system';

export interface RunOptions {
  seed: number;
  steps?: number;
  orders?: number;
  old?: OldBehaviour;
}
export interface RunResult {
  seed: number;
  steps: number;
  checks: number;
  violations: Violation[];
  trace: string[];
  counters: SimSystem['counters'];
  eventTypes: Record<string, number>;
}

const START = '2026-01-01T00:00:00.000Z';
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const USD = (amount: number) => ({ amount, currency: 'USD' });
const TOTAL = 10_000;
const policy = snapshotOf(defaultPolicy);
const address = { name: 'Sim Buyer', line1: '1 Loop St', city: 'Simtown', postalCode: '00000', country: 'US' };
const image = (n: number) => ({ evidenceId: `ev-${n}`, sha256: 'a'.repeat(64), contentType: 'image/png', size: 1000 });

interface OrderPlay {
  orderId: string;
  buyer: Actor;
  seller: Actor;
  disputes: string[];
  disputed: boolean;
  confirmed: boolean;
  payments: number;
  extensions: number;
}

export const runSeed = (o: RunOptions): RunResult => {
  const rnd = seededRandom(o.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const chance = (p: number) => rnd() < p;
  const inv = new Invariants();
  const sys = new SimSystem(START, inv, o.old);
  inv.attach(sys);
  const trace: string[] = [];
  const log = (s: string) => {
    trace.push(`${inv.step} ${sys.now} ${s}`);
    if (trace.length > Math.max(80, Number(process.env.SIM_TRACE_STEPS) || 0)) trace.shift();
  };
  const agent: Actor = { role: 'agent', id: 'agent-1' };
  const partner: Actor = { role: 'partner', id: 'carrier' };
  const advance = (ms: number) => (sys.now = new Date(Date.parse(sys.now) + ms).toISOString());
  let n = 0;

  // Each run leans one way, so thousands of runs cover long paths too: plain lifecycles and races at
  // the protection end, resend rulings and their appeals, returns with fast refunds.
  const focus = pick(['broad', 'resend-appeal', 'returns'] as const);
  const plays: OrderPlay[] = Array.from({ length: o.orders ?? (focus === 'broad' ? 2 : 1) }, (_, i) => ({
    orderId: `o${i + 1}`,
    buyer: { role: 'buyer', id: `b${(i % 2) + 1}` },
    seller: { role: 'seller', id: 's1' },
    disputes: [],
    disputed: false,
    confirmed: false,
    payments: 0,
    extensions: 0,
  }));
  for (const b of ['b1', 'b2']) sys.recordBuyerLevel(b, pick(['A0', 'A3', 'A4'] as const));
  for (const p of plays) {
    sys.orderCommand({
      type: 'PlaceOrder',
      data: {
        orderId: p.orderId,
        sellerId: p.seller.id,
        currency: 'USD',
        items: [{ sku: 'sku-1', title: 'Thing', quantity: 1, unitPrice: TOTAL }],
        shippingAddress: address,
        protectionDays: 15,
        handlingDays: 3,
        policy,
      },
      meta: { now: sys.now, actor: p.buyer },
    });
  }
  for (const p of plays) inv.disputesOf.set(p.orderId, p.disputes);

  const orderCmd = (p: OrderPlay, type: string, data: object, actor: Actor) =>
    sys.orderCommand({ type, data: { orderId: p.orderId, ...data }, meta: { now: sys.now, actor } } as never);
  const disputeCmd = (id: string, type: DisputeCommand['type'], data: object, actor: Actor) =>
    sys.disputeCommand(id, { type, data, meta: { now: sys.now, actor } } as DisputeCommand);
  const lastDispute = (p: OrderPlay) => p.disputes[p.disputes.length - 1];
  const pendingRefunds = (orderId: string) => {
    const e = sys.escrow(orderId);
    return e.status === 'unknown' ? [] : Object.values(e.refunds).filter((r) => r.status === 'in_flight');
  };
  const requestedPayments = (orderId: string) => {
    const e = sys.escrow(orderId);
    return e.status === 'unknown' ? [] : Object.values(e.payments).filter((x) => x.status === 'requested');
  };

  /** The callers' commands; refusals (4xx) are part of the game. */
  const commands: Record<string, (p: OrderPlay) => string | null> = {
    pay: (p) => {
      p.payments += 1;
      const paymentId = `pay-${p.orderId}-${p.payments}`;
      const requested = sys.escrowCommand({
        type: 'RequestPayment',
        data: { orderId: p.orderId, paymentId, methodType: 'sandbox', token: 'tok_ok' },
        meta: { now: sys.now, actor: p.buyer },
      });
      // the sandbox usually answers at once (tok_ok); sometimes later, by webhook (the capture command)
      if (requested && chance(0.7)) commands.capture!(p);
      return 'buyer pays';
    },
    capture: (p) => {
      const r = requestedPayments(p.orderId)[0];
      if (!r) return null;
      sys.escrowCommand({
        type: 'CapturePayment',
        data: { orderId: p.orderId, paymentId: r.paymentId, providerRef: `ref-${r.paymentId}`, amount: USD(TOTAL), capturedAt: sys.now },
        meta: { now: sys.now, actor: { role: 'system', id: 'provider' } },
      });
      return 'provider captures';
    },
    cancel: (p) => (chance(0.15) ? (orderCmd(p, 'CancelOrder', {}, chance(0.5) ? p.buyer : p.seller), 'cancel') : null),
    ship: (p) => (orderCmd(p, 'ShipOrder', { carrier: 'DHL', trackingNumber: 'T1' }, p.seller), 'seller ships'),
    deliver: (p) => (orderCmd(p, 'ReportDelivery', {}, partner), 'delivery reported'),
    confirm: (p) => {
      if (p.disputed || !chance(0.3)) return null; // the sim's buyer never contradicts its own dispute (see README)
      if (orderCmd(p, 'ConfirmReceipt', {}, p.buyer)) p.confirmed = true;
      return 'buyer confirms';
    },
    requestExtension: (p) => {
      p.extensions += 1;
      orderCmd(p, 'RequestExtension', { extensionId: `ext-${p.orderId}-${p.extensions}`, days: 5 }, p.buyer);
      return 'buyer asks extension';
    },
    answerExtension: (p) => (
      orderCmd(p, chance(0.5) ? 'ApproveExtension' : 'DeclineExtension', { extensionId: `ext-${p.orderId}-${p.extensions}` }, p.seller),
      'seller answers extension'
    ),
    openDispute: (p) => {
      if (p.confirmed) return null;
      const id = `d-${p.orderId}-${p.disputes.length + 1}`;
      const goodsReceived = chance(0.5);
      const full = chance(0.6);
      const solution = goodsReceived
        ? { type: full || chance(0.5) ? 'RETURN_AND_REFUND' : 'REFUND_ONLY', refund: USD(full ? TOTAL : 4000) }
        : { type: 'REFUND_ONLY', refund: USD(full ? TOTAL : 4000) };
      const ok = sys.openDispute(id, p.buyer, {
        orderId: p.orderId,
        goodsReceived,
        reason: goodsReceived ? 'NOT_AS_DESCRIBED' : 'NOT_RECEIVED',
        solution,
        description: 'sim',
        evidence: goodsReceived ? [image(++n)] : [],
      } as never);
      if (ok) {
        p.disputes.push(id);
        p.disputed = true;
      }
      return `buyer opens ${id}`;
    },
    sellerAccepts: (p) => {
      const d = lastDispute(p);
      return d ? (disputeCmd(d, 'AcceptProposal', {}, p.seller), 'seller accepts') : null;
    },
    counter: (p) => {
      const d = lastDispute(p);
      if (!d) return null;
      const solution =
        focus === 'resend-appeal'
          ? { type: 'RESEND' }
          : focus === 'returns'
            ? { type: 'RETURN_AND_REFUND', refund: USD(pick([5000, TOTAL])) }
            : pick([{ type: 'REFUND_ONLY', refund: USD(3000) }, { type: 'RETURN_AND_REFUND', refund: USD(TOTAL) }, { type: 'RESEND' }]);
      disputeCmd(d, 'CounterPropose', { solution, message: 'counter', evidence: [] }, p.seller);
      return `seller counters ${solution.type}`;
    },
    buyerAccepts: (p) => {
      const d = lastDispute(p);
      return d ? (disputeCmd(d, 'AcceptProposal', {}, p.buyer), 'buyer accepts') : null;
    },
    edit: (p) => {
      const d = lastDispute(p);
      return d ? (disputeCmd(d, 'EditProposal', { solution: { type: 'RETURN_AND_REFUND', refund: USD(TOTAL) }, evidence: [] }, p.buyer), 'buyer edits') : null;
    },
    escalate: (p) => {
      const d = lastDispute(p);
      return d ? (disputeCmd(d, 'Escalate', {}, chance(0.5) ? p.buyer : p.seller), 'escalate') : null;
    },
    withdraw: (p) => {
      const d = lastDispute(p);
      return d && chance(0.5) ? (disputeCmd(d, 'Withdraw', {}, p.buyer), 'buyer withdraws') : null;
    },
    rule: (p) => {
      const d = lastDispute(p);
      if (!d) return null;
      const s = sys.dispute(d);
      const onTable = s.status === 'none' ? [] : s.proposals.map((x) => x.proposalId);
      const resend = s.status === 'none' ? undefined : s.proposals.find((x) => x.type === 'RESEND');
      const ruling =
        focus === 'resend-appeal' && resend
          ? { proposalId: resend.proposalId, note: 'r' }
          : pick([
              { refund: USD(pick([0, 2500, TOTAL])), returnRequired: false, note: 'r' },
              { refund: USD(TOTAL), returnRequired: true, note: 'r' },
              ...onTable.map((proposalId) => ({ proposalId, note: 'r' })),
            ]);
      disputeCmd(d, 'Rule', ruling, agent);
      return 'agent rules';
    },
    shipReturn: (p) => {
      const d = lastDispute(p);
      return d ? (disputeCmd(d, 'ShipReturn', { carrier: 'UPS', trackingNumber: 'R1' }, p.buyer), 'buyer ships return') : null;
    },
    confirmReturn: (p) => {
      const d = lastDispute(p);
      return d ? (disputeCmd(d, 'ConfirmReturnReceipt', { condition: pick(['RECEIVED_OK', 'DAMAGED'] as const) }, p.seller), 'seller confirms return') : null;
    },
    shipResend: (p) => {
      const d = lastDispute(p);
      return d ? (disputeCmd(d, 'ShipResend', { carrier: 'DHL', trackingNumber: 'T2' }, p.seller), 'seller ships resend') : null;
    },
    appeal: (p) => {
      const d = lastDispute(p);
      return d
        ? (disputeCmd(d, 'FileAppeal', { reason: 'RESOLUTION_NOT_ACCEPTED', subReasons: [], statement: 'appeal', evidence: [] }, p.buyer), 'buyer appeals')
        : null;
    },
    decideAppeal: (p) => {
      const d = lastDispute(p);
      if (!d) return null;
      const overturn = chance(0.6);
      disputeCmd(
        d,
        'DecideAppeal',
        { decision: overturn ? 'OVERTURN' : 'UPHOLD', ...(overturn ? { refund: USD(pick([3000, TOTAL])) } : {}), note: 'decided' },
        agent,
      );
      return `agent decides appeal ${overturn ? 'OVERTURN' : 'UPHOLD'}`;
    },
    refundAnswer: (p) => {
      const r = pendingRefunds(p.orderId)[0];
      if (!r) return null;
      if (chance(0.2))
        sys.escrowCommand({
          type: 'FailRefundAttempt',
          data: { orderId: p.orderId, refundId: r.refundId, attempt: r.attempts, error: 'provider down' },
          meta: { now: sys.now, actor: { role: 'system', id: 'provider' } },
        });
      else
        sys.escrowCommand({
          type: 'CompleteRefund',
          data: { orderId: p.orderId, refundId: r.refundId, providerRef: `rf-${r.refundId}` },
          meta: { now: sys.now, actor: { role: 'system', id: 'provider' } },
        });
      return 'provider answers refund';
    },
    levelChanges: (p) => (sys.recordBuyerLevel(p.buyer.id, pick(['A0', 'A3', 'A4'] as const)), 'buyer level changes (buyers.v1)'),
  };

  /** What the parties would naturally do next in the state they see (most steps); the rest is random. */
  const natural = (p: OrderPlay): string[] => {
    const o = sys.order(p.orderId);
    const d = lastDispute(p);
    const ds = d ? sys.dispute(d).status : 'none';
    const byDispute: Record<string, string[]> = {
      awaiting_seller:
        focus === 'broad' ? ['sellerAccepts', 'counter', 'counter', 'escalate', 'escalate', 'withdraw'] : ['counter', 'counter', 'sellerAccepts'],
      awaiting_buyer:
        focus === 'resend-appeal' ? ['escalate', 'escalate', 'escalate', 'buyerAccepts'] : ['buyerAccepts', 'edit', 'escalate', 'escalate', 'withdraw'],
      awaiting_resend: ['shipResend', 'shipResend', 'escalate'],
      in_arbitration: ['rule', 'rule', 'withdraw'],
      awaiting_ruling: ['rule', 'rule', 'rule', 'withdraw'],
      awaiting_return_shipment: ['shipReturn', 'shipReturn', 'appeal', 'levelChanges', 'levelChanges'],
      return_in_transit: ['confirmReturn', 'refundAnswer'],
      resolved: ['appeal', 'appeal', 'appeal', 'openDispute', 'confirm', 'refundAnswer'],
      appealed: ['decideAppeal', 'decideAppeal', 'refundAnswer'],
    };
    if (byDispute[ds] && (o.status === 'shipped' || o.status === 'delivered' || ds === 'appealed' || ds === 'resolved')) return byDispute[ds]!;
    switch (o.status) {
      case 'placed':
        return requestedPayments(p.orderId).length ? ['capture'] : ['pay'];
      case 'paid':
        return ['ship', 'ship', 'cancel'];
      case 'shipped':
      case 'delivered':
        return focus === 'broad'
          ? ['openDispute', 'openDispute', 'confirm', 'requestExtension', 'answerExtension', 'deliver']
          : ['openDispute', 'openDispute', 'openDispute', 'deliver', 'levelChanges'];
      default:
        return ['refundAnswer', 'levelChanges', 'appeal'];
    }
  };

  const nextDue = (): number | null => {
    const times = [...sys.timers.values()].map((t) => Date.parse(t.dueAt)).filter((t) => t > Date.parse(sys.now));
    return times.length ? Math.min(...times) : null;
  };
  const someDue = (): number | null => {
    const times = [...sys.timers.values()].map((t) => Date.parse(t.dueAt)).filter((t) => t > Date.parse(sys.now));
    return times.length ? pick(times) : null;
  };
  const moveClock = () => {
    const next = someDue();
    if (next !== null && chance(0.5)) {
      // just before, at, or just after the next deadline: where races live
      sys.now = new Date(next + pick([-HOUR, -MIN, 0, MIN, HOUR])).toISOString();
      if (Date.parse(sys.now) < Date.parse(START)) sys.now = START;
    } else advance(pick([MIN, 10 * MIN, HOUR, 3 * HOUR, 12 * HOUR, DAY, 2 * DAY]));
    return `clock -> ${sys.now}`;
  };

  const step = (): string => {
    const r = rnd();
    if (r < 0.45) {
      const p = pick(plays);
      const name = chance(0.8) ? pick(natural(p)) : pick(Object.keys(commands));
      return commands[name]!(p) ?? 'idle';
    }
    if (r < 0.8) {
      const ready = sys.pending().filter((x) => !x.group.paused && !x.group.lagging.has(x.part));
      if (!ready.length) return 'nothing to deliver';
      const { group, part } = pick(ready);
      sys.deliver(group, part, chance(0.7));
      return `deliver ${part} -> ${group.name}`;
    }
    if (r < 0.88) {
      const due = sys.due();
      if (!due.length) return moveClock();
      const t = pick(due);
      sys.fire(t);
      return `fire ${t.service} ${t.streamId} ${t.kind}`;
    }
    if (r < 0.95) return moveClock();
    const g = pick(sys.groups);
    const fault = rnd();
    if (fault < 0.3) {
      g.paused = !g.paused;
      return `${g.name} consumer ${g.paused ? 'lags' : 'catches up'}`;
    }
    if (fault < 0.45) {
      const parts = [...sys.topics.keys()].filter((x) => g.topics.includes(x.split('|')[0]!));
      if (!parts.length) return 'idle';
      const part = pick(parts);
      if (g.lagging.has(part)) g.lagging.delete(part);
      else g.lagging.add(part);
      return `${g.name} consumer ${g.lagging.has(part) ? 'lags' : 'catches up'} on ${part}`;
    }
    if (fault < 0.8) {
      sys.restart(g);
      return `${g.name} consumer restarts`;
    }
    const parts = [...sys.topics.keys()];
    if (!parts.length) return 'idle';
    const part = pick(parts);
    sys.duplicate(part, Math.floor(rnd() * sys.topics.get(part)!.length));
    return `relay publishes twice on ${part}`;
  };

  const steps = o.steps ?? 240;
  for (inv.step = 1; inv.step <= steps; inv.step += 1) log(step());

  // Drain: every consumer catches up, providers answer, agents rule, time runs until nothing is due.
  for (const g of sys.groups) {
    g.paused = false;
    g.lagging.clear();
  }
  for (let round = 0; round < 1000; round += 1) {
    inv.step += 1;
    let acted = false;
    for (const x of sys.pending()) {
      sys.deliver(x.group, x.part, true);
      acted = true;
    }
    for (const t of sys.due()) {
      sys.fire(t);
      acted = true;
    }
    for (const p of plays) {
      for (const r of requestedPayments(p.orderId)) {
        acted =
          sys.escrowCommand({
            type: 'CapturePayment',
            data: { orderId: p.orderId, paymentId: r.paymentId, providerRef: `ref-${r.paymentId}`, amount: USD(TOTAL), capturedAt: sys.now },
            meta: { now: sys.now, actor: { role: 'system', id: 'provider' } },
          }) || acted;
      }
      for (const r of pendingRefunds(p.orderId))
        acted =
          sys.escrowCommand({
            type: 'CompleteRefund',
            data: { orderId: p.orderId, refundId: r.refundId, providerRef: `rf-${r.refundId}` },
            meta: { now: sys.now, actor: { role: 'system', id: 'provider' } },
          }) || acted;
      for (const d of p.disputes) {
        const s = sys.dispute(d);
        if (s.status === 'awaiting_ruling')
          acted = disputeCmd(d, 'Rule', { refund: USD(pick([0, 5000])), returnRequired: false, note: 'drain' }, agent) || acted;
        if (s.status === 'appealed') acted = disputeCmd(d, 'DecideAppeal', { decision: 'UPHOLD', note: 'drain' }, agent) || acted;
      }
    }
    if (!acted) {
      const next = nextDue();
      if (next === null && sys.pending().length === 0) break;
      if (next !== null) sys.now = new Date(next).toISOString();
    }
  }
  log('drained');
  inv.final(plays.map((p) => p.orderId));
  const eventTypes: Record<string, number> = {};
  for (const events of sys.logs.values()) for (const e of events) eventTypes[e.type] = (eventTypes[e.type] ?? 0) + 1;
  return { seed: o.seed, steps: inv.step, checks: inv.checks, violations: inv.violations, trace, counters: sys.counters, eventTypes };
};
