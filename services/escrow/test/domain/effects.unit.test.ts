// #20: every row of the escrow table declares the events it may record. The decider is walked through
// each row (given events, when a command); a walk records only its row's effects, and every declared
// effect is recorded by some walk, so the declarations cannot rot.
import { effectsReport, walker, type EffectWalk } from '@bp/lifecycle';
import { deadlines, escrowDecider, type EscrowEvent } from '../../src/domain';
import { ESCROW_PROCESS, type TransitionName } from '../../src/domain/escrow/process';
import { ORDER, appeal, cancelled, capture, cmd, completed, fastRefund, history, placed, settled } from './fixtures';

const walk = walker(escrowDecider, (s) => s.status);
const stateOf = (events: EscrowEvent[]) => events.reduce(escrowDecider.evolve, escrowDecider.initialState);
/** The scheduler's command for the deadline of that kind the given state lists, at its due time. */
const due = (given: EscrowEvent[], kind: string) => {
  const d = deadlines(stateOf(given)).find((x) => x.kind === kind);
  if (!d) throw new Error(`no ${kind} deadline in the given state`);
  return cmd('FireDeadline', { kind, dueAt: d.dueAt }, d.dueAt);
};
const request = () => cmd('RequestPayment', { orderId: ORDER, paymentId: 'pay-1', methodType: 'sandbox' });
const refundId = 'ev-cancel:refund';
const failAttempt = () => cmd('FailRefundAttempt', { orderId: ORDER, refundId, attempt: 1, error: 'provider_down' });
const closedPaid = () => cmd('RefundOnCancellation', { eventId: 'ev-closed', orderId: ORDER, source: 'OrderClosed', refundDue: true });
const paid = () => history(placed(), capture());
const refunding = () => history(placed(), capture(), cancelled());
const requested = () => history(placed(), request());
const retrying = () => history(placed(), capture(), cancelled(), failAttempt());

const walks: EffectWalk<TransitionName>[] = [
  walk('record_order_placed', [], placed()),
  walk('request_payment', history(placed()), request()),
  walk('fail_payment', requested(), cmd('FailPayment', { orderId: ORDER, paymentId: 'pay-1', reason: 'declined' })),
  walk('capture_payment', history(placed()), capture()),
  // E4: a capture of the wrong amount is returned at once; the escrow stays unpaid
  walk('capture_payment', history(placed()), capture(5_000, 'cap-short')),
  walk('return_late_capture', history(placed(), capture(), completed()), capture(10_000, 'cap-late', 'pay-2')),
  walk('grant_fast_refund', paid(), fastRefund('d1', 2_000)),
  walk('apply_dispute_settlement', paid(), settled('d1', 2_000)),
  // R1: return-shipping compensation is debited from the seller payable
  walk('apply_dispute_settlement', paid(), settled('d1', 3_000, true, 500)),
  // E5: an OVERTURN after the release claws the delta back from the seller
  walk('apply_appeal_decision', history(placed(10_000, 1_000), capture(), settled('d1', 0)), appeal('d1', 10_000)),
  walk('release_on_completion', paid(), completed()),
  walk('refund_on_cancellation', paid(), cancelled()),
  walk('refund_on_closure', paid(), closedPaid()),
  walk('complete_refund', refunding(), cmd('CompleteRefund', { orderId: ORDER, refundId, providerRef: 'sbx_ref_1' })),
  walk('fail_refund_attempt', refunding(), failAttempt()),
  walk('retry_refund', retrying(), due(retrying(), `refund_retry:${refundId}`)),
  walk('reconcile_payment', requested(), due(requested(), 'payment_reconcile:pay-1')),
];

describe('declared effects of the escrow table (#20)', () => {
  it('given a walk through every row, then each records only its declared effects and every declared effect is recorded', () =>
    expect(effectsReport(ESCROW_PROCESS, walks)).toEqual({ unwalked: [], misrouted: [], undeclared: [], unexercised: [] }));
});
