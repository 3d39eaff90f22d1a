import { fold } from '@bp/eventstore';
import type { Actor, Money } from '@bp/contracts';
import { addMs, defaultPolicy, snapshotOf, type PolicySnapshot } from '@bp/timers';
import { disputeDecider, type DisputeCommand, type DisputeEvent, type DisputeState, type OpenDispute } from '../../src/domain/dispute';
import type { DisputeOrderFacts } from '../../src/domain/order-facts';
import type { EvidenceRef } from '../../src/domain/thread/thread';

export const policy: PolicySnapshot = snapshotOf(defaultPolicy);
export const SHIPPED_AT = '2026-01-01T00:00:00.000Z';
/** `n` days (and hours) after shipment. */
export const day = (n: number, hours = 0): string => addMs(SHIPPED_AT, (n * 24 + hours) * 3_600_000);

export const buyer: Actor = { role: 'buyer', id: 'buyer-1' };
export const seller: Actor = { role: 'seller', id: 'seller-1' };
export const agent: Actor = { role: 'agent', id: 'agent-1' };
export const system: Actor = { role: 'system', id: 'system' };
export const stranger: Actor = { role: 'buyer', id: 'buyer-2' };

export const usd = (amount: number): Money => ({ amount, currency: 'USD' });
export const PAID = usd(10_000);

export const image = (id = 'ev-img', size = 1000): EvidenceRef => ({ evidenceId: id, sha256: 'a'.repeat(64), contentType: 'image/png', size });
export const video = (id = 'ev-vid', size = 1000): EvidenceRef => ({ evidenceId: id, sha256: 'b'.repeat(64), contentType: 'video/mp4', size });

export const facts = (over: Partial<DisputeOrderFacts> = {}): DisputeOrderFacts => ({
  orderId: 'order-1',
  status: 'shipped',
  buyerId: buyer.id,
  sellerId: seller.id,
  paid: PAID,
  protectionDays: 60,
  shippedAt: SHIPPED_AT,
  deliveredAt: null,
  protectionEndsAt: day(60),
  protectionSuspended: false,
  openDisputeId: null,
  settledDisputeId: null,
  disputeCount: 0,
  extensionRefused: false,
  policy,
  buyerLevel: 'A1',
  expeditedLevels: ['A4'],
  ...over,
});

type OpenData = OpenDispute['data'];
export const open = (over: Partial<OpenData> = {}, now = day(7), actor = buyer): OpenDispute => ({
  type: 'OpenDispute',
  data: {
    disputeId: 'd-1',
    orderId: 'order-1',
    goodsReceived: true,
    reason: 'NOT_AS_DESCRIBED',
    solution: { type: 'RETURN_AND_REFUND', refund: PAID },
    description: 'the colour is wrong',
    evidence: [image()],
    order: facts(),
    ...over,
  },
  meta: { now, actor },
});

/** A command of any type, with meta. */
export const cmd = <T extends DisputeCommand['type']>(type: T, data: Extract<DisputeCommand, { type: T }>['data'], actor: Actor, now: string) =>
  ({ type, data, meta: { now, actor } }) as Extract<DisputeCommand, { type: T }>;

export const fire = (kind: Extract<DisputeCommand, { type: 'FireDeadline' }>['data']['kind'], dueAt: string, now = dueAt) =>
  cmd('FireDeadline', { kind, dueAt }, system, now);

/** Runs commands through the decider; returns the whole history (for `given`). */
export const history = (...commands: DisputeCommand[]): DisputeEvent[] =>
  commands.reduce<DisputeEvent[]>((events, c) => [...events, ...disputeDecider.decide(c, fold(disputeDecider, events))], []);

export const stateOf = (events: readonly DisputeEvent[]): DisputeState => fold(disputeDecider, events);
export const types = (events: readonly DisputeEvent[]): string[] => events.map((e) => e.type);
export const ofType = <T extends DisputeEvent['type']>(events: readonly DisputeEvent[], type: T) =>
  events.filter((e): e is Extract<DisputeEvent, { type: T }> => e.type === type);

// Frequent histories.
export const refundOnlyPartial = () => open({ goodsReceived: true, solution: { type: 'REFUND_ONLY', refund: usd(3000) } });
export const opened = () => history(open());
export const countered = (solution: { type: 'REFUND_ONLY' | 'RETURN_AND_REFUND' | 'RESEND'; refund?: Money } = { type: 'REFUND_ONLY', refund: usd(2000) }) =>
  history(open(), cmd('CounterPropose', { solution, message: 'half?', evidence: [] }, seller, day(8)));
export const escalatedAt = (now = day(10), level: 'A1' | 'A4' = 'A1') =>
  history(open({ order: facts({ buyerLevel: level }) }), cmd('Escalate', {}, buyer, now));
