import { systemActor, type Actor } from '@bp/contracts';
import { escrowDecider, type EscrowCommand, type EscrowEvent, type EscrowPolicy, type EscrowState } from '../../src/domain';

export const T0 = '2030-01-01T00:00:00.000Z';
export const at = (minutes: number): string => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
export const ORDER = 'ord-1';
export const SELLER = 'sel-1';
export const BUYER = 'buy-1';
export const USD = (amount: number) => ({ amount, currency: 'USD' });
export const policy = (commissionBps = 0): EscrowPolicy => ({ commissionBps, refundRetryBase: 'PT30S', refundRetryMax: 'PT6H' });

type Data<T extends EscrowCommand['type']> = Extract<EscrowCommand, { type: T }>['data'];
export const cmd = <T extends EscrowCommand['type']>(type: T, data: Data<T>, now = T0, actor: Actor = systemActor()) =>
  ({ type, data, meta: { now, actor } }) as Extract<EscrowCommand, { type: T }>;

export const placed = (total = 10_000, bps = 0, orderId = ORDER, sellerId = SELLER) =>
  cmd('RecordOrderPlaced', { eventId: `placed-${orderId}`, orderId, buyerId: BUYER, sellerId, total: USD(total), policy: policy(bps) });
export const capture = (amount = 10_000, ref = 'cap-1', paymentId = 'pay-1', orderId = ORDER) =>
  cmd('CapturePayment', { orderId, paymentId, providerRef: ref, amount: USD(amount), capturedAt: T0 });
export const completed = (eventId = 'ev-complete', reason: 'CONFIRMED' | 'DISPUTE_SETTLED' = 'CONFIRMED', orderId = ORDER) =>
  cmd('ReleaseOnCompletion', { eventId, orderId, reason });
export const cancelled = (eventId = 'ev-cancel') => cmd('RefundOnCancellation', { eventId, orderId: ORDER, source: 'OrderCancelled', refundDue: true });
export const settled = (disputeId: string, refund: number, releaseRemainder = true, compensation = 0, eventId = `ev-settle-${disputeId}`) =>
  cmd('ApplyDisputeSettlement', {
    eventId,
    orderId: ORDER,
    disputeId,
    refund: USD(refund),
    ...(compensation ? { compensation: USD(compensation) } : {}),
    releaseRemainder,
    settledBy: 'RULING',
  });
export const fastRefund = (disputeId: string, amount: number, eventId = `ev-fast-${disputeId}`) =>
  cmd('GrantFastRefund', { eventId, orderId: ORDER, disputeId, amount: USD(amount) });
export const appeal = (disputeId: string, refund: number, decision: 'UPHOLD' | 'OVERTURN' = 'OVERTURN', eventId = `ev-appeal-${disputeId}`) =>
  cmd('ApplyAppealDecision', { eventId, orderId: ORDER, disputeId, decision, refund: USD(refund) });

/** Runs commands through decide + evolve, returning all events and the final state. */
export const run = (commands: EscrowCommand[], state: EscrowState = escrowDecider.initialState) => {
  const events: EscrowEvent[] = [];
  for (const c of commands) {
    const produced = escrowDecider.decide(c, state);
    events.push(...produced);
    state = produced.reduce(escrowDecider.evolve, state);
  }
  return { events, state };
};

/** The events of a history of commands (for `spec(...).given(...)`). */
export const history = (...commands: EscrowCommand[]): EscrowEvent[] => run(commands).events;
export const ofType = <T extends EscrowEvent['type']>(events: EscrowEvent[], type: T) =>
  events.filter((e): e is Extract<EscrowEvent, { type: T }> => e.type === type);
