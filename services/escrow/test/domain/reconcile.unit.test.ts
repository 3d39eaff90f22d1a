import { spec } from '@bp/testing';
import {
  deadlines,
  escrowDecider,
  escrowView,
  PAYMENT_RECONCILE_AFTER,
  paymentReconcileDelayMs,
  paymentReconcileKind,
  type EscrowState,
} from '../../src/domain';
import { durationMs } from '@bp/timers';
import { at, capture, cmd, history, ORDER, placed, run, T0 } from './fixtures';

// E4: a payment left `requested` (crash between PaymentRequested and the provider's answer) is
// reconciled with the provider at its payment_reconcile deadline.
const escrow = spec(escrowDecider);
const request = (paymentId = 'pay-1', now = T0) => cmd('RequestPayment', { orderId: ORDER, paymentId, methodType: 'sandbox', token: 'tok_ok' }, now);
const fail = (paymentId = 'pay-1') => cmd('FailPayment', { orderId: ORDER, paymentId, reason: 'card_declined' });
const fire = (dueAt: string, now = dueAt, paymentId = 'pay-1') => cmd('FireDeadline', { kind: paymentReconcileKind(paymentId), dueAt }, now);
const kinds = (s: EscrowState) => deadlines(s).map((d) => d.kind);

describe('payment_reconcile deadline (E4)', () => {
  it('a requested payment is due for reconciliation PAYMENT_RECONCILE_AFTER after its request; the token is kept but never shown', () => {
    expect(durationMs(PAYMENT_RECONCILE_AFTER)).toBe(60_000);
    const { state, events } = run([placed(), request()]);
    expect(events.at(-1)).toMatchObject({ type: 'PaymentRequested', data: { token: 'tok_ok', requestedAt: T0 } });
    expect(deadlines(state)).toEqual([{ kind: 'payment_reconcile:pay-1', dueAt: at(1), actor: 'system', onExpiry: 'payment_reconciled' }]);
    expect(JSON.stringify(escrowView(state)!.payments)).not.toContain('tok_ok');
  });

  it('the deadline goes away once the payment is answered: captured, failed or returned', () => {
    expect(kinds(run([placed(), request(), capture()]).state)).toEqual([]);
    expect(kinds(run([placed(), request(), fail()]).state)).toEqual([]);
    // a capture of a cancelled order is returned to the buyer: answered, nothing left to reconcile
    const cancelled = cmd('RefundOnCancellation', { eventId: 'ev-c', orderId: ORDER, source: 'OrderCancelled', refundDue: true });
    expect(kinds(run([placed(), request(), cancelled, capture()]).state).filter((k) => k.startsWith('payment_'))).toEqual([]);
  });

  it('firing starts a reconcile round and moves the deadline to the next round (backoff, capped)', () => {
    escrow
      .given(history(placed(), request()))
      .when(fire(at(1), at(1)))
      .then([{ type: 'PaymentReconcileStarted', data: { orderId: ORDER, paymentId: 'pay-1', attempt: 1, startedAt: at(1), nextReconcileAt: at(3) } }]);
    const r1 = run([placed(), request(), fire(at(1))]).state;
    expect(deadlines(r1)).toEqual([expect.objectContaining({ kind: 'payment_reconcile:pay-1', dueAt: at(3) })]);
    const r2 = run([fire(at(3))], r1).state;
    expect(deadlines(r2)[0]!.dueAt).toBe(at(7));
    expect(paymentReconcileDelayMs(30)).toBe(15 * 60_000);
  });

  it('a stale, early, repeated or foreign fire does nothing', () => {
    const given = history(placed(), request());
    escrow
      .given(given)
      .when(fire(at(1), at(0.5)))
      .thenNothingHappens(); // early
    escrow
      .given(given)
      .when(fire(at(2)))
      .thenNothingHappens(); // not the current dueAt
    escrow
      .given(history(placed(), request(), fire(at(1))))
      .when(fire(at(1), at(5)))
      .thenNothingHappens(); // repeated
    escrow
      .given(history(placed(), request(), capture()))
      .when(fire(at(1)))
      .thenNothingHappens(); // answered meanwhile
    escrow
      .given(history(placed(), request(), fail()))
      .when(fire(at(1)))
      .thenNothingHappens();
    escrow
      .given(given)
      .when(fire(at(1), at(1), 'pay-other'))
      .thenNothingHappens();
    escrow
      .given([])
      .when(fire(at(1)))
      .thenNothingHappens();
  });

  it('the reconciled answer is recorded once: a duplicate capture is [], a late failure after capture is []', () => {
    const reconciled = history(placed(), request(), fire(at(1)));
    escrow
      .given(reconciled)
      .when(capture())
      .then((events) => expect(events.map((e) => e.type)).toEqual(['EntriesPosted', 'PaymentCaptured']));
    escrow
      .given([...reconciled, ...run([placed(), request(), fire(at(1)), capture()]).events.slice(reconciled.length)])
      .when(capture())
      .thenNothingHappens();
    escrow
      .given(history(placed(), request(), fire(at(1)), capture()))
      .when(fail())
      .thenNothingHappens();
    // the buyer may pay again after a reconciled failure; the new payment has its own deadline
    const { state } = run([placed(), request(), fire(at(1)), fail(), request('pay-2', at(2))]);
    expect(kinds(state)).toEqual(['payment_reconcile:pay-2']);
  });
});
