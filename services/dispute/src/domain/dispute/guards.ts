import type { Actor } from '@bp/contracts';
import { addDuration } from '@bp/timers';
import type { DisputeState, OpenDisputeState } from './dispute';
import { appealWindowEnd } from './deadlines';
import { refuse, type DisputeErrorCode } from './errors';
import { leavesFrom, roleMayRun } from '@bp/lifecycle';
import { transition, type Transition, type TransitionName } from './process';

type Refusal = { code: DisputeErrorCode; message: string } | null;

const late = (now: string, limit: string): boolean => Date.parse(now) > Date.parse(limit);

/** Parties see their dispute; anyone else is told it does not exist (API: 404). Agents see all. */
const partyRefusal = (s: OpenDisputeState, actor: Actor): Refusal => {
  if (actor.role === 'buyer' && actor.id !== s.buyerId) return { code: 'DISPUTE_NOT_FOUND', message: 'no such dispute' };
  if (actor.role === 'seller' && actor.id !== s.sellerId) return { code: 'DISPUTE_NOT_FOUND', message: 'no such dispute' };
  return null;
};

/** R7, R8: appeal refusals, each with its own code. */
export const appealRefusal = (s: OpenDisputeState, now: string): Refusal => {
  if (s.appeal) return { code: 'APPEAL_ALREADY_FILED', message: 'R8: a dispute is appealed once' };
  // R2, R8: a missed return is final whether the return was ruled or agreed; its own code wins.
  if (s.settlement?.settledBy === 'RETURN_MISSED') return { code: 'APPEAL_NOT_ALLOWED_RETURN_MISSED', message: 'R8: the return was missed' };
  if (!s.ruling) return { code: 'NOT_ARBITRATED', message: 'R7: only an arbitration ruling can be appealed' };
  if (late(now, appealWindowEnd(s)!)) return { code: 'APPEAL_WINDOW_CLOSED', message: 'R7: the appeal window is over' };
  return null;
};

/** Extra rules of single transitions, beyond status and role (D6, D8, R7). */
const extraRefusal = (t: Transition, s: OpenDisputeState, now: string): Refusal => {
  if (t.name === 'escalate' && Date.parse(now) < Date.parse(addDuration(s.openedAt, s.policy.dispute.escalationAllowedAfter))) {
    return { code: 'ESCALATION_TOO_EARLY', message: 'D6: escalation is allowed once the dispute is old enough' };
  }
  // R6, D7: the buyer has the money back already; withdrawing would leave the platform's advance
  // unsettled and free the order for a new dispute (found by the whole-system simulation, issue 17).
  if (t.name === 'withdraw' && s.fastRefunded.amount > 0) {
    return { code: 'WITHDRAW_AFTER_FAST_REFUND', message: 'R6: a fast refund was paid; the dispute ends with an outcome (return received, or a ruling)' };
  }
  // D8: first the evidence window for both sides, then the ruling (by time: the window's timer may lag).
  if (t.action === 'rule' && s.escalation && Date.parse(now) < Date.parse(s.escalation.evidenceDueAt)) {
    return { code: 'EVIDENCE_WINDOW_OPEN', message: `D8: the evidence window is open until ${s.escalation.evidenceDueAt}` };
  }
  return t.name === 'file_appeal' ? appealRefusal(s, now) : null;
};

/** Why `actor` may not run transition `name` now, or null. Order: existence, role, status, rule. */
export const refusalOf = (state: DisputeState, name: TransitionName, actor: Actor, now: string): Refusal => {
  if (state.status === 'none') return { code: 'DISPUTE_NOT_FOUND', message: 'no such dispute' };
  const t = transition(name);
  const party = partyRefusal(state, actor);
  if (party) return party;
  if (!roleMayRun(t, actor.role)) return { code: 'ROLE_NOT_ALLOWED', message: `${actor.role} may not ${t.name}` };
  const rule = t.name === 'file_appeal' ? extraRefusal(t, state, now) : null; // R7/R8 codes win over the status
  if (rule) return rule;
  if (!leavesFrom(t, state.status)) return { code: 'ACTION_NOT_ALLOWED', message: `${t.name} is not allowed while ${state.status}` };
  return extraRefusal(t, state, now);
};

/** The guard decide uses: throws the refusal, or returns the open state. */
export const guard = (state: DisputeState, name: TransitionName, actor: Actor, now: string): OpenDisputeState => {
  const r = refusalOf(state, name, actor, now);
  if (r) refuse(r.code, r.message);
  return state as OpenDisputeState;
};
