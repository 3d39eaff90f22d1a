import type { FireDeadline } from './commands';
import { currentBuyerProposal, type DisputeState, type OpenDisputeState } from './dispute';
import { appealDecideBy, deadlines } from './deadlines';
import type { DisputeEvent } from './events';
import { escalated, ids, money, outcomeOf, settled } from './emit';
import type { DeadlineKind } from './process';

type Expiry = (s: OpenDisputeState, now: string) => DisputeEvent[];

/** D4: seller silence accepts the buyer's proposal. */
const sellerSilence: Expiry = (s, now) => {
  const p = currentBuyerProposal(s);
  if (!p) return [];
  return [
    { type: 'DisputeProposalAccepted', data: { ...ids(s), proposalId: p.proposalId, acceptedBy: 'system', acceptedAt: now } },
    outcomeOf(s, p, 'SELLER_SILENCE', now),
  ];
};

const EXPIRIES: Record<DeadlineKind, Expiry> = {
  seller_response: sellerSilence,
  // D5: the 15 days to agree ran out (buyer silent, or still haggling); D9: a resend not shipped escalates too.
  buyer_response: (s, now) => [escalated(s, 'system', now, 'BUYER_SILENCE')],
  agreement_window: (s, now) => [escalated(s, 'system', now, 'AGREEMENT_WINDOW')],
  resend_shipment: (s, now) => [escalated(s, 'system', now, 'RESEND_MISSED')],
  // D10: not settled within the set time after opening: the platform steps in.
  platform_involvement: (s, now) => [escalated(s, 'system', now, 'PLATFORM_INVOLVEMENT')],
  // S1: a missed appeal SLA alerts ops; it never decides.
  appeal_sla: (s, now) => [
    { type: 'AppealSlaBreached', data: { ...ids(s), decideBy: appealDecideBy(s)!, expedited: s.appeal?.expedited ?? false, breachedAt: now } },
  ],
  // D8: the evidence window closes; the agent rules next.
  evidence_window: (s, now) => [{ type: 'EvidenceWindowClosed', data: { ...ids(s), closedAt: now } }],
  // D8: a missed SLA alerts ops; it never decides.
  ruling_sla: (s, now) => [
    { type: 'ArbitrationSlaBreached', data: { ...ids(s), rulingDueAt: s.escalation!.rulingDueAt, expedited: s.escalation!.expedited, breachedAt: now } },
  ],
  // R2: the buyer missed the return: closed for the seller, money released.
  return_shipment: (s, now) => [settled(s, money(0, s.paid), 'RETURN_MISSED', now)],
  // R3: the seller neither confirmed nor reported a problem: automatic refund.
  return_answer: (s, now) => [settled(s, s.pendingReturn?.refund ?? money(0, s.paid), 'RETURN_UNANSWERED', now, s.pendingReturn?.returnShippingCompensation)],
};

/** The scheduler's command: re-check against the current deadlines; stale or early -> []. */
export const fireDeadline = (c: FireDeadline, state: DisputeState): DisputeEvent[] => {
  if (state.status === 'none') return [];
  const due = deadlines(state).find((d) => d.kind === c.data.kind && Date.parse(d.dueAt) === Date.parse(c.data.dueAt));
  if (!due || Date.parse(c.meta.now) < Date.parse(due.dueAt)) return [];
  return EXPIRIES[c.data.kind](state, c.meta.now);
};
