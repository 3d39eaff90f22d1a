// #20: every row of the dispute table declares the events it may record. The decider is walked through
// each row (given events, when a command); a walk records only its row's effects, and every declared
// effect is recorded by some walk, so the declarations cannot rot.
import { effectsReport, walker, type EffectWalk } from '@bp/lifecycle';
import { makePolicy, snapshotOf, type PolicyInput } from '@bp/timers';
import { deadlines, disputeDecider, TRANSITIONS, type DeadlineKind, type DisputeEvent, type TransitionName } from '../../src/domain/dispute';
import { agent, buyer, cmd, countered, day, escalatedAt, facts, fire, history, image, open, opened, refundOnlyPartial, seller, stateOf, usd } from './fixtures';

const walk = walker(disputeDecider, (s) => s.status);
/** The scheduler's command for the deadline of that kind the given state lists, at its due time. */
const due = (given: DisputeEvent[], kind: DeadlineKind) => {
  const d = deadlines(stateOf(given)).find((x) => x.kind === kind);
  if (!d) throw new Error(`no ${kind} deadline in the given state`);
  return fire(kind, d.dueAt);
};
const withPolicy = (dispute: NonNullable<PolicyInput['dispute']>) => facts({ policy: snapshotOf(makePolicy({ dispute })) });
/** O8: the buyer asks for the extension the seller declined. */
const extend = () =>
  open({
    reason: 'NOT_RECEIVED',
    goodsReceived: false,
    solution: { type: 'EXTEND_PROTECTION', days: 14 },
    evidence: [],
    order: facts({ extensionRefused: true }),
  });
const counter = (now: string, refund = 2000) =>
  cmd('CounterPropose', { solution: { type: 'REFUND_ONLY', refund: usd(refund) }, message: 'less?', evidence: [] }, seller, now);
const edit = (now: string) => cmd('EditProposal', { solution: { type: 'RETURN_AND_REFUND', refund: usd(9000) }, message: 'more', evidence: [] }, buyer, now);
const accept = (actor = seller, now = day(8)) => cmd('AcceptProposal', {}, actor, now);
const escalate = (now = day(10)) => cmd('Escalate', { message: 'please rule' }, buyer, now);
const ruleRefund = (now = day(15)) => cmd('Rule', { refund: usd(2000), returnRequired: false, note: 'partial' }, agent, now);
const ruleReturn = (now = day(15)) => cmd('Rule', { refund: usd(10_000), returnRequired: true, note: 'return it' }, agent, now);
const ruleProposal = (proposalId: string, now = day(15)) => cmd('Rule', { proposalId, note: 'this one' }, agent, now);
const shipReturn = (now = day(9)) => cmd('ShipReturn', { carrier: 'DHL', trackingNumber: 'R1' }, buyer, now);
const confirmReturn = (condition: 'RECEIVED_OK' | 'DAMAGED', now = day(12)) => cmd('ConfirmReturnReceipt', { condition, note: 'checked' }, seller, now);
const appeal = (now = day(16)) => cmd('FileAppeal', { reason: 'RESOLUTION_NOT_ACCEPTED', subReasons: [], statement: 'look again', evidence: [] }, buyer, now);
const decideAppeal = (decision: 'UPHOLD' | 'OVERTURN', refund?: number) =>
  cmd('DecideAppeal', { decision, note: 'reviewed', ...(refund === undefined ? {} : { refund: usd(refund) }) }, agent, day(20));

const resendCountered = () => countered({ type: 'RESEND' });
const awaitingResend = () =>
  history(open(), cmd('CounterPropose', { solution: { type: 'RESEND' }, message: 'a new one', evidence: [] }, seller, day(8)), accept(buyer, day(9)));
const returnAccepted = () => history(open(), accept());
const returnShipped = () => history(open(), accept(), shipReturn());
const ruledRefund = () => history(open(), escalate(), ruleRefund());
const ruledReturn = () => history(open(), escalate(), ruleReturn());
const extensionOpened = () => history(extend());
const platformWatched = () => history(open({ order: withPolicy({ platformInvolvementAfter: 'P7D' }) }));

const walks: EffectWalk<TransitionName>[] = [
  walk('open', [], open()),
  walk('seller_accepts_refund', history(refundOnlyPartial()), accept()),
  walk('seller_accepts_return', opened(), accept()),
  walk('seller_accepts_extension', extensionOpened(), accept()),
  walk('seller_counter_proposes', opened(), counter(day(8))),
  walk('seller_silence_refund', history(refundOnlyPartial()), due(history(refundOnlyPartial()), 'seller_response')),
  walk('seller_silence_return', opened(), due(opened(), 'seller_response')),
  walk('seller_silence_extension', extensionOpened(), due(extensionOpened(), 'seller_response')),
  walk('buyer_accepts_refund', countered(), accept(buyer, day(9))),
  walk('buyer_accepts_return', countered({ type: 'RETURN_AND_REFUND', refund: usd(5000) }), accept(buyer, day(9))),
  walk('buyer_accepts_resend', resendCountered(), accept(buyer, day(9))),
  walk('buyer_edits_proposal', countered(), edit(day(9))),
  walk('buyer_silence_escalates', countered(), due(countered(), 'buyer_response')),
  walk('agreement_window_escalates', history(open(), counter(day(8)), edit(day(9))), due(history(open(), counter(day(8)), edit(day(9))), 'agreement_window')),
  // D11: the counter, or the edit, that makes the Nth rejected proposal escalates
  walk('haggling_limit_escalates', history(open(), counter(day(8)), edit(day(9))), counter(day(10), 3000)),
  walk('haggling_limit_escalates', history(open({ order: withPolicy({ maxRejectedProposals: 2 }) }), counter(day(8))), edit(day(9))),
  walk('platform_involvement_escalates', platformWatched(), due(platformWatched(), 'platform_involvement')),
  walk('escalate', opened(), escalate()),
  walk('withdraw', opened(), cmd('Withdraw', {}, buyer, day(8))),
  walk('seller_ships_resend', awaitingResend(), cmd('ShipResend', { carrier: 'UPS', trackingNumber: 'N1' }, seller, day(10))),
  walk('resend_missed_escalates', awaitingResend(), due(awaitingResend(), 'resend_shipment')),
  walk('evidence_window_closes', escalatedAt(), due(escalatedAt(), 'evidence_window')),
  walk('ruling_sla_breached', escalatedAt(), due(escalatedAt(), 'ruling_sla')),
  walk('rule_refund', escalatedAt(), ruleRefund()),
  walk('rule_return', escalatedAt(), ruleReturn()),
  walk(
    'rule_resend',
    history(open(), cmd('CounterPropose', { solution: { type: 'RESEND' }, message: 'a new one', evidence: [] }, seller, day(8)), escalate()),
    ruleProposal('d-1-p2'),
  ),
  walk('rule_extension', history(extend(), escalate()), ruleProposal('d-1-p1')),
  // R6: an A4 buyer is refunded when the return ships
  walk('buyer_ships_return', history(open({ order: facts({ buyerLevel: 'A4' }) }), accept()), shipReturn()),
  walk('return_missed', returnAccepted(), due(returnAccepted(), 'return_shipment')),
  walk('seller_confirms_return', returnShipped(), confirmReturn('RECEIVED_OK')),
  walk('seller_reports_return_problem', returnShipped(), confirmReturn('DAMAGED')),
  walk('return_unanswered', returnShipped(), due(returnShipped(), 'return_answer')),
  walk('file_appeal', ruledRefund(), appeal()),
  walk('decide_appeal', history(open(), escalate(), ruleRefund(), appeal()), decideAppeal('UPHOLD')),
  // R8: no settlement yet (the return was pending): an OVERTURN settles
  walk('decide_appeal', history(open(), escalate(), ruleReturn(), appeal()), decideAppeal('OVERTURN', 5000)),
  walk('uphold_return_ruling', history(open(), escalate(), ruleReturn(), appeal()), decideAppeal('UPHOLD')),
  walk('appeal_sla_breached', history(open(), escalate(), ruleRefund(), appeal()), due(history(open(), escalate(), ruleRefund(), appeal()), 'appeal_sla')),
  walk('post_message', opened(), cmd('PostMessage', { text: 'see photo', evidence: [image()] }, agent, day(8))),
  walk('add_evidence', opened(), cmd('AddEvidence', { evidence: [image()] }, seller, day(8))),
];

describe('declared effects of the dispute table (#20)', () => {
  it('given a walk through every row, then each records only its declared effects and every declared effect is recorded', () =>
    expect(effectsReport(TRANSITIONS, walks)).toEqual({ unwalked: [], misrouted: [], undeclared: [], unexercised: [] }));
});
