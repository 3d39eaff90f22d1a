import { addDuration } from '@bp/timers';
import type { AcceptProposal, CounterPropose, EditProposal, Escalate, Withdraw, PostMessage, AddEvidence } from './commands';
import { currentBuyerProposal, currentSellerProposal, rejectedProposals, type DisputeState, type OpenDisputeState } from './dispute';
import { agreementEndsAt } from './deadlines';
import { refuse } from './errors';
import type { DisputeEvent } from './events';
import {
  buyerProposalOf,
  checkAmount,
  checkBuyerProposal,
  checkExtensionProposal,
  escalated,
  ids,
  imagesIn,
  money,
  nextProposal,
  nextProposalId,
  outcomeOf,
  threadEntry,
} from './emit';
import { guard } from './guards';

const ACCEPT_BY_SELLER = {
  REFUND_ONLY: 'seller_accepts_refund',
  RETURN_AND_REFUND: 'seller_accepts_return',
  RESEND: 'seller_accepts_refund',
  EXTEND_PROTECTION: 'seller_accepts_extension',
} as const;
// Only the buyer proposes EXTEND_PROTECTION (O8); the seller's counters never carry it.
const ACCEPT_BY_BUYER = {
  REFUND_ONLY: 'buyer_accepts_refund',
  RETURN_AND_REFUND: 'buyer_accepts_return',
  RESEND: 'buyer_accepts_resend',
  EXTEND_PROTECTION: 'buyer_accepts_refund',
} as const;

const earlier = (a: string, b: string | null): string => (b !== null && Date.parse(b) < Date.parse(a) ? b : a);

/** D11: the proposal just added is the Nth rejection: the dispute goes to arbitration with it on the table. */
const hagglingLimit = (s: OpenDisputeState, now: string): DisputeEvent[] =>
  rejectedProposals(s) + 1 >= s.policy.dispute.maxRejectedProposals ? [escalated(s, 'system', now, 'HAGGLING_LIMIT')] : [];

/** D4: the seller accepts the buyer's proposal; D5: the buyer accepts the seller's counter-proposal. */
export const acceptProposal = (c: AcceptProposal, state: DisputeState): DisputeEvent[] => {
  const { now, actor } = c.meta;
  const bySeller = actor.role === 'seller';
  const open = state.status === 'none' ? null : state;
  const p = open ? (bySeller ? currentBuyerProposal(open) : currentSellerProposal(open)) : undefined;
  const name = p ? (bySeller ? ACCEPT_BY_SELLER : ACCEPT_BY_BUYER)[p.type] : bySeller ? 'seller_accepts_refund' : 'buyer_accepts_refund';
  const s = guard(state, name, actor, now);
  if (!p) return refuse('ACTION_NOT_ALLOWED', 'no proposal to accept');
  const accepted: DisputeEvent = {
    type: 'DisputeProposalAccepted',
    data: { ...ids(s), proposalId: p.proposalId, acceptedBy: bySeller ? 'seller' : 'buyer', acceptedAt: now },
  };
  return [accepted, outcomeOf(s, p, 'AGREEMENT', now)];
};

/** D4, D9: the seller counters with a refund, a return, or a resend. */
export const counterPropose = (c: CounterPropose, state: DisputeState): DisputeEvent[] => {
  const { now, actor } = c.meta;
  const s = guard(state, 'seller_counter_proposes', actor, now);
  const { type } = c.data.solution;
  const refund = type === 'RESEND' ? money(0, s.paid) : (c.data.solution.refund ?? money(0, s.paid));
  if (type !== 'RESEND') checkAmount(s, refund, true);
  if (type === 'RETURN_AND_REFUND' && !s.goodsReceived) refuse('RETURN_WITHOUT_GOODS', 'D2: nothing to return');
  const proposal = nextProposal(s, 'seller', type, refund);
  // D5: the 15 days to agree count from the first counter-proposal; a later one does not restart them.
  const respondBy = agreementEndsAt(s) ?? addDuration(now, s.policy.dispute.buyerResponseWindow);
  const entry = threadEntry(s, 'PROPOSAL', actor, now, c.data.message, c.data.evidence);
  return [{ type: 'DisputeCounterProposed', data: { ...ids(s), proposal, proposedAt: now, respondBy } }, ...entry, ...hagglingLimit(s, now)];
};

/** D5: the buyer edits the own proposal; the seller gets a fresh response window. */
export const editProposal = (c: EditProposal, state: DisputeState): DisputeEvent[] => {
  const { now, actor } = c.meta;
  const s = guard(state, 'buyer_edits_proposal', actor, now);
  const sol = c.data.solution;
  if (sol.type === 'EXTEND_PROTECTION') checkExtensionProposal(s, s.extensionRefused ?? false, sol.days);
  else checkBuyerProposal(s, s.goodsReceived, sol, imagesIn(s, c.data.evidence, actor.id));
  const proposal = buyerProposalOf(nextProposalId(s), s.paid, sol);
  // D4 + D5: a fresh seller window, but never past the end of the 15 days to agree.
  const respondBy = earlier(addDuration(now, s.policy.dispute.sellerResponseWindow), agreementEndsAt(s));
  const entry = threadEntry(s, 'PROPOSAL', actor, now, c.data.message, c.data.evidence);
  return [{ type: 'DisputeProposalEdited', data: { ...ids(s), proposal, proposedAt: now, respondBy } }, ...entry, ...hagglingLimit(s, now)];
};

/** D6: either party escalates once the dispute is old enough. */
export const escalate = (c: Escalate, state: DisputeState): DisputeEvent[] => {
  const { now, actor } = c.meta;
  const s = guard(state, 'escalate', actor, now);
  const by = actor.role === 'seller' ? 'seller' : 'buyer';
  return [escalated(s, by, now), ...threadEntry(s, 'MESSAGE', actor, now, c.data.message, [])];
};

/** D7: the buyer withdraws; the order resumes protection (O9). */
export const withdraw = (c: Withdraw, state: DisputeState): DisputeEvent[] => {
  if (state.status === 'withdrawn' && state.buyerId === c.meta.actor.id) return []; // repeated cancel is harmless
  const s = guard(state, 'withdraw', c.meta.actor, c.meta.now);
  return [{ type: 'DisputeWithdrawn', data: { ...ids(s), withdrawnAt: c.meta.now } }];
};

const submission = (s: OpenDisputeState, c: PostMessage | AddEvidence, kind: 'MESSAGE' | 'EVIDENCE'): DisputeEvent[] => {
  const events = threadEntry(s, kind, c.meta.actor, c.meta.now, c.data.text, c.data.evidence);
  return events.length ? events : refuse('EMPTY_SUBMISSION', 'a message needs text or evidence');
};

/** D3: messages and evidence from the parties and the agent. */
export const postMessage = (c: PostMessage, state: DisputeState): DisputeEvent[] =>
  submission(guard(state, 'post_message', c.meta.actor, c.meta.now), c, 'MESSAGE');

export const addEvidence = (c: AddEvidence, state: DisputeState): DisputeEvent[] =>
  submission(guard(state, 'add_evidence', c.meta.actor, c.meta.now), c, 'EVIDENCE');
