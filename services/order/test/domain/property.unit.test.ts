// Random command sequences (with deadlines fired at random times and dispute records) against the
// order decider: no illegal state, one completion at most, never a confirmation during a dispute, and
// the protection invariant O5/O8/O9/D9 holds exactly.
import fc from 'fast-check';
import { isDomainError } from '@bp/contracts';
import { decide, deadlines, evolve, initialState, STATUSES, type OrderCommand, type OrderEvent, type OrderState } from '../../src/domain/order';
import {
  T0,
  TOTAL,
  agent,
  approveExt,
  buyer,
  cancel,
  confirm,
  declineExt,
  deliver,
  disputeOpened,
  disputeSettled,
  disputeWithdrawn,
  fire,
  pay,
  place,
  policy,
  refundCompleted,
  reply,
  requestExt,
  resendShipped,
  review,
  seller,
  ship,
} from './fixtures';

const DAY = 86_400_000;
const KINDS = [
  'pay',
  'payWrong',
  'cancelBuyer',
  'cancelSeller',
  'ship',
  'deliver',
  'confirm',
  'request',
  'approve',
  'decline',
  'open',
  'withdraw',
  'settle',
  'resend',
  'refund',
  'review',
  'reply',
  'fireDue',
  'fireRandom',
] as const;
type Step = { kind: (typeof KINDS)[number]; hours: number; pick: number };

// Mostly small steps (inside the payment and handling windows), sometimes weeks (past protection).
const hours = fc.oneof({ weight: 6, arbitrary: fc.nat({ max: 6 }) }, { weight: 1, arbitrary: fc.nat({ max: 24 * 40 }) });
// Commands that end the order are rarer, so sequences get far enough to exercise protection.
const WEIGHTS: Record<Step['kind'], number> = {
  pay: 3,
  payWrong: 1,
  cancelBuyer: 1,
  cancelSeller: 1,
  ship: 3,
  deliver: 2,
  confirm: 1,
  request: 3,
  approve: 3,
  decline: 1,
  open: 3,
  withdraw: 3,
  settle: 1,
  resend: 2,
  refund: 1,
  review: 2,
  reply: 2,
  fireDue: 2,
  fireRandom: 1,
};
const kind = fc.oneof(...KINDS.map((k) => ({ weight: WEIGHTS[k], arbitrary: fc.constant(k) })));
const step = fc.record({ kind, hours, pick: fc.nat({ max: 5 }) });

const toCommand = ({ kind, pick }: Step, state: OrderState, now: string): OrderCommand => {
  // Mostly answer the pending request / the open dispute, sometimes a stale or unknown one.
  const pending = 'extensions' in state ? state.extensions.find((x) => x.outcome === 'pending')?.extensionId : undefined;
  const open = 'protection' in state && state.protection ? state.protection.suspension?.disputeId : undefined;
  const ext = (pick < 4 && pending) || `ext-${pick % 3}`;
  const dispute = (pick < 4 && open) || `d-${pick % 2}`;
  switch (kind) {
    case 'pay':
      return pay(now);
    case 'payWrong':
      return pay(now, { amount: 1 + pick, currency: 'USD' }, `pay-${pick}`);
    case 'cancelBuyer':
      return cancel(now, buyer);
    case 'cancelSeller':
      return cancel(now, seller);
    case 'ship':
      return ship(now);
    case 'deliver':
      return deliver(now, agent);
    case 'confirm':
      return confirm(now);
    case 'request':
      return requestExt(now, 1 + pick * 5, ext);
    case 'approve':
      return approveExt(now, ext);
    case 'decline':
      return declineExt(now, ext);
    case 'open':
      return disputeOpened(now, dispute);
    case 'withdraw':
      return disputeWithdrawn(now, dispute);
    case 'settle':
      return disputeSettled(pick * 1250, now, dispute);
    case 'resend':
      return resendShipped(now, dispute, pick === 0 ? undefined : pick * 3);
    case 'refund':
      return refundCompleted(pick * 1250, now, `r-${pick}`);
    case 'review':
      return review(now, 1 + (pick % 5));
    case 'reply':
      return reply(now);
    case 'fireDue': {
      const due = deadlines(state)[pick % Math.max(1, deadlines(state).length)];
      return due ? fire(due.kind, due.dueAt, now > due.dueAt ? now : due.dueAt) : fire('payment', now);
    }
    case 'fireRandom':
      return fire(['payment', 'shipment', 'protection_end', 'extension_response', 'review_window', 'review_publication'][pick % 6]!, now);
  }
};

/** The protection end recomputed from the events alone (O5, O8, O9, D9). */
const expectedEnd = (events: OrderEvent[]): number | null => {
  let end: number | null = null;
  let since = 0;
  for (const e of events) {
    if (e.type === 'OrderShipped') end = Date.parse(e.data.shippedAt) + policyDays(events) * DAY;
    if (e.type === 'ProtectionExtended' && end !== null) end += e.data.days * DAY;
    if (e.type === 'ProtectionSuspended') since = Date.parse(e.data.suspendedAt);
    if (e.type === 'ProtectionResumed' && end !== null) end += Date.parse(e.data.resumedAt) - since + e.data.extendedByDays * DAY;
  }
  return end;
};
const policyDays = (events: OrderEvent[]): number => {
  const placed = events.find((e) => e.type === 'OrderPlaced');
  return placed?.type === 'OrderPlaced' ? placed.data.protectionDays : 0;
};

const checkState = (s: OrderState, log: OrderEvent[]): void => {
  expect(['initial', ...STATUSES]).toContain(s.status);
  if (s.status !== 'shipped' && s.status !== 'delivered' && s.status !== 'completed') return;
  const p = s.protection;
  const formula = Date.parse(p.shippedAt) + (p.days + p.extensionDays + p.resendDays) * DAY + p.suspendedMs;
  if (!p.suspension) {
    expect(Date.parse(p.endsAt)).toBe(formula); // the invariant, on state
    expect(Date.parse(p.endsAt)).toBe(expectedEnd(log)); // and recomputed from the events alone
  }
  const approved = s.extensions.filter((x) => x.outcome === 'approved');
  expect(p.extensionDays).toBe(approved.reduce((n, x) => n + x.days, 0));
  expect(approved.length).toBeLessThanOrEqual(policy.order.maxApprovedExtensions);
  expect(s.extensions.filter((x) => x.outcome === 'pending').length).toBeLessThanOrEqual(1);
};

/** Applies events one by one, checking each completion against the state just before it (O6, O9). */
const apply = (state: OrderState, events: OrderEvent[]): OrderState =>
  events.reduce((s, e) => {
    if (e.type === 'OrderCompleted' && e.data.reason !== 'DISPUTE_SETTLED') {
      expect(s.status === 'shipped' || s.status === 'delivered').toBe(true);
      if (s.status === 'shipped' || s.status === 'delivered') expect(s.protection.suspension).toBeNull();
    }
    if (e.type === 'ReviewPosted' && s.status === 'completed') expect(s.reviewWindowClosedAt).toBeNull(); // O11: none after the window
    return evolve(s, e);
  }, state);

const run = (steps: Step[]): void => {
  const log: OrderEvent[] = decide(place(), initialState);
  let state = log.reduce(evolve, initialState);
  let now = Date.parse(T0);
  const terminalAt: { status?: string } = {};
  for (const st of steps) {
    now += st.hours * 3_600_000;
    const command = toCommand(st, state, new Date(now).toISOString());
    let events: OrderEvent[] = [];
    try {
      events = decide(command, state);
    } catch (e) {
      if (!isDomainError(e)) throw e;
    }
    state = apply(state, events);
    log.push(...events);
    checkState(state, log);
    if (terminalAt.status) expect(state.status).toBe(terminalAt.status); // terminal states stay
    if (state.status === 'completed' || state.status === 'closed') terminalAt.status = state.status;
  }
  expect(log.filter((e) => e.type === 'OrderCompleted').length).toBeLessThanOrEqual(1); // never confirm twice
  expect(log.filter((e) => e.type === 'OrderCompleted' || e.type === 'OrderClosed' || e.type === 'OrderCancelled').length).toBeLessThanOrEqual(1);
};

describe('order decider properties', () => {
  it('O5/O6/O7/O8/O9/D9: random sequences keep every invariant', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 5, maxLength: 30, size: 'max' }), (steps) => run(steps)),
      { numRuns: 100 },
    );
  });
  it('O6/O9: sequences around shipment and disputes (biased) keep every invariant', () => {
    const biased = fc.array(
      fc.oneof(
        { weight: 1, arbitrary: fc.constant<Step>({ kind: 'pay', hours: 1, pick: 0 }) },
        { weight: 1, arbitrary: fc.constant<Step>({ kind: 'ship', hours: 1, pick: 0 }) },
        { weight: 6, arbitrary: step },
      ),
      { minLength: 5, maxLength: 30, size: 'max' },
    );
    fc.assert(
      fc.property(biased, (steps) => run(steps)),
      { numRuns: 100 },
    );
  });
  it('fixtures: the total matches', () => expect(TOTAL.amount).toBe(5000));
});
