import type { Money } from '@bp/contracts';
import { addDuration } from '@bp/timers';
import type { DecideAppeal, FileAppeal } from './commands';
import type { DisputeState, OpenDisputeState } from './dispute';
import { refuse } from './errors';
import type { DisputeEvent } from './events';
import { checkAmount, ids, money, returnRequested, settled, threadEntry } from './emit';
import { guard } from './guards';

/** R7: once, by the buyer (or an agent for the buyer), within the window after an arbitration ruling. */
export const fileAppeal = (c: FileAppeal, state: DisputeState): DisputeEvent[] => {
  const { now, actor } = c.meta;
  const s = guard(state, 'file_appeal', actor, now);
  const filedBy = actor.role === 'agent' ? 'agent' : 'buyer';
  // S1: the appeal queue's own decision SLA; A4 first, as in arbitration (D8).
  const decideBy = addDuration(now, s.policy.returns.appealDecisionSla);
  const expedited = s.escalation?.expedited ?? s.expeditedLevels.includes(s.buyerLevel);
  const filed: DisputeEvent = {
    type: 'AppealFiled',
    data: { ...ids(s), reason: c.data.reason, subReasons: c.data.subReasons, filedBy, filedAt: now, decideBy, expedited },
  };
  return [filed, ...threadEntry(s, 'APPEAL', actor, now, c.data.statement, c.data.evidence)];
};

const decided = (s: OpenDisputeState, c: DecideAppeal, refund: Money, previousRefund: Money, correction: boolean): DisputeEvent => ({
  type: 'AppealDecided',
  data: { ...ids(s), decision: c.data.decision, refund, previousRefund, correction, decidedAt: c.meta.now },
});

/** R8: the appeal of a settled dispute corrects the settlement (E5: escrow moves the delta). */
const decideSettled = (s: OpenDisputeState, c: DecideAppeal, previous: Money, newRefund: Money): DisputeEvent[] => {
  const overturn = c.data.decision === 'OVERTURN';
  return [decided(s, c, overturn ? newRefund : previous, previous, overturn)];
};

/** R8: no settlement yet (return pending, or resend): OVERTURN settles; UPHOLD restores the ruling. */
const decideUnsettled = (s: OpenDisputeState, c: DecideAppeal, newRefund: Money): DisputeEvent[] => {
  const { now } = c.meta;
  const previous = s.pendingReturn?.refund ?? money(0, s.paid);
  if (c.data.decision === 'OVERTURN') return [settled(s, newRefund, 'APPEAL', now), decided(s, c, newRefund, previous, false)];
  const upheld = decided(s, c, previous, previous, false);
  return s.appeal?.from === 'awaiting_return_shipment'
    ? [upheld, returnRequested(s, previous, 'APPEAL', now, s.pendingReturn?.returnShippingCompensation)]
    : [upheld];
};

/** R8: the agent upholds, or overturns with a new total refund (0..paid). */
export const decideAppeal = (c: DecideAppeal, state: DisputeState): DisputeEvent[] => {
  const { now, actor } = c.meta;
  const open = state.status === 'none' ? null : state;
  const returnCase = open?.settlement === null && open.appeal?.from === 'awaiting_return_shipment' && c.data.decision === 'UPHOLD';
  const s = guard(state, returnCase ? 'uphold_return_ruling' : 'decide_appeal', actor, now);
  if (c.data.decision === 'OVERTURN' && !c.data.refund) refuse('OVERTURN_REFUND_REQUIRED', 'R8: an overturn names the new refund');
  const newRefund = c.data.refund ?? money(0, s.paid);
  checkAmount(s, newRefund, false);
  const note = threadEntry(s, 'RULING', actor, now, c.data.note, []);
  const events = s.settlement ? decideSettled(s, c, s.appeal?.refund ?? s.settlement.refund, newRefund) : decideUnsettled(s, c, newRefund);
  return [...note, ...events];
};
