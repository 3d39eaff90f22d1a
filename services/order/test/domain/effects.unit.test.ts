// #20: every row of the order table declares the events it may record. The decider is walked through
// each row (given events, when a command); a walk records only its row's effects, and every declared
// effect is recorded by some walk, so the declarations cannot rot.
import { effectsReport, walker, type EffectWalk } from '@bp/lifecycle';
import { deadlines, orderDecider, transitions, type OrderEvent, type TransitionName } from '../../src/domain/order';
import {
  TOTAL,
  appealDecided,
  appealFiled,
  approveExt,
  at,
  cancel,
  cmd,
  completed,
  confirm,
  declineExt,
  deliver,
  delivered,
  disputeOpened,
  disputeSettled,
  disputeWithdrawn,
  fire,
  history,
  paid,
  pay,
  place,
  placed,
  protectionEndAcknowledged,
  refundCompleted,
  reply,
  requestExt,
  resendShipped,
  review,
  seller,
  ship,
  shipped,
  stateOf,
  system,
} from './fixtures';

const walk = walker(orderDecider, (s) => s.status);
/** The scheduler's command for the deadline of that kind the given state lists, at its due time. */
const due = (given: OrderEvent[], kind: string) => {
  const d = deadlines(stateOf(given)).find((x) => x.kind === kind);
  if (!d) throw new Error(`no ${kind} deadline in the given state`);
  return fire(kind, d.dueAt);
};
const rate = (now = at(12)) => cmd('RateBuyer', { rating: 4, text: 'paid at once' }, seller, now);
const agreed = (now = at(20)) => cmd('RecordExtensionAgreed', { disputeId: 'd-1', days: 14, agreedAt: now }, system, now);
const ending = () => history(place(), pay(), ship(), fire('protection_end', at(61)));
/** Shipped day 1, disputed day 10 (51 days left), resent day 20 with `days` more protection (default: protectionDays). */
const resentCommands = (days?: number) => [place(), pay(), ship(), disputeOpened(at(10)), resendShipped(at(20), 'd-1', days)];
const requested = () => history(place(), pay(), ship(), requestExt(at(10)));
const reviewed = () => history(place(), pay(), ship(), confirm(), review());

const walks: EffectWalk<TransitionName>[] = [
  walk('place', [], place()),
  walk('pay', placed(), pay()),
  walk('pay', placed(), pay(at(0, 1), { amount: 1, currency: 'USD' }, 'pay-x')),
  walk('cancel', placed(), cancel()),
  walk('cancel', paid(), cancel(at(0, 2), seller)),
  walk('expire_payment', placed(), due(placed(), 'payment')),
  walk('ship', paid(), ship()),
  walk('expire_handling', paid(), due(paid(), 'shipment')),
  walk('report_delivery', shipped(), deliver()),
  walk('confirm_receipt', shipped(), confirm()),
  walk('confirm_receipt', delivered(), confirm()),
  walk('protection_end', shipped(), due(shipped(), 'protection_end')),
  walk('auto_confirm', ending(), protectionEndAcknowledged(1, at(61, 1))),
  walk('late_dispute_suspends', ending(), protectionEndAcknowledged(1, at(61, 1), 'd-late')),
  walk('request_extension', shipped(), requestExt()),
  walk('approve_extension', requested(), approveExt()),
  walk('decline_extension', requested(), declineExt()),
  walk('lapse_extension', requested(), due(requested(), 'extension_response')),
  walk('suspend_protection', shipped(), disputeOpened()),
  walk('resume_protection', history(place(), pay(), ship(), disputeOpened()), disputeWithdrawn()),
  // O9, S3: protection had run out while suspended: it ends at once (the order asks the dispute service)
  walk('resume_protection', history(place(), pay(), ship(), disputeOpened(at(62))), disputeWithdrawn(at(70))),
  walk('extension_agreed', history(place(), pay(), ship(), requestExt(at(8)), declineExt(at(9)), disputeOpened(at(10))), agreed()),
  walk('resend', history(place(), pay(), ship(), disputeOpened()), resendShipped()),
  walk('appeal_reopens_dispute', history(...resentCommands()), appealFiled(at(25))),
  walk('appeal_upholds_resend', history(...resentCommands(), appealFiled(at(25))), appealDecided('UPHOLD', at(30))),
  // R8, S3: the appeal was filed after protection ran out (a resend adding no days): upheld, it ends at once
  walk('appeal_upholds_resend', history(...resentCommands(0), appealFiled(at(72))), appealDecided('UPHOLD', at(73))),
  walk('settle_release', history(place(), pay(), ship(), disputeOpened()), disputeSettled(100)),
  walk('settle_refund', history(place(), pay(), ship(), disputeOpened()), disputeSettled(TOTAL.amount)),
  walk('refund_in_full', paid(), refundCompleted(TOTAL.amount)),
  walk('refund_in_full', shipped(), refundCompleted(100)),
  walk('post_review', completed(), review()),
  walk('close_review_window', delivered(), due(delivered(), 'review_window')),
  walk('reply_review', reviewed(), reply()),
  walk('rate_buyer', reviewed(), rate()),
  walk('publish_review', reviewed(), due(reviewed(), 'review_publication')),
];

describe('declared effects of the order table (#20)', () => {
  it('given a walk through every row, then each records only its declared effects and every declared effect is recorded', () =>
    expect(effectsReport(transitions, walks)).toEqual({ unwalked: [], misrouted: [], undeclared: [], unexercised: [] }));
});
