import type { Actor, DisputeProposal, Money, SettledBy } from '@bp/contracts';
import { addDuration } from '@bp/timers';
import { assertEvidenceLimits, hasImage } from '../evidence/limits';
import { chainEntry, type EvidenceRef, type ThreadEntryKind } from '../thread/thread';
import type { EscalationCause, OpenDisputeState } from './dispute';
import { refuse } from './errors';
import type { DisputeEvent } from './events';
import { rulingSlaOf } from './deadlines';

/** Small event builders shared by the decide functions. */
type Ids = { disputeId: string; orderId: string };
const ids = (s: Ids): Ids => ({ disputeId: s.disputeId, orderId: s.orderId });

export const money = (amount: number, like: Money): Money => ({ amount, currency: like.currency });
export const plus = (a: Money, b: Money | undefined): Money => money(a.amount + (b?.amount ?? 0), a);

/** D2, D8: amounts share the order's currency and never exceed the paid total. */
export const checkAmount = (s: { paid: Money }, refund: Money, positive: boolean): void => {
  if (refund.currency !== s.paid.currency) refuse('CURRENCY_MISMATCH', `amounts are in ${s.paid.currency}`);
  if (positive && refund.amount <= 0) refuse('REFUND_NOT_POSITIVE', 'a proposal asks for a refund above 0');
  if (refund.amount > s.paid.amount) refuse('REFUND_ABOVE_PAID', 'D2: never above the paid total', { paid: s.paid });
};

/** The buyer's solution: a refund (D2) or, after a declined extension request, more protection days (O8). */
export type BuyerSolution = { type: 'REFUND_ONLY' | 'RETURN_AND_REFUND'; refund: Money } | { type: 'EXTEND_PROTECTION'; days: number };

/** O8: EXTEND_PROTECTION only after the seller declined (or left unanswered) a request; days within the O8 range. */
export const checkExtensionProposal = (s: { policy: OpenDisputeState['policy'] }, extensionRefused: boolean, days: number): void => {
  if (!extensionRefused) refuse('EXTENSION_NOT_DECLINED', 'O8: EXTEND_PROTECTION follows an extension request the seller declined or left unanswered');
  const { extensionDaysMin: min, extensionDaysMax: max } = s.policy.order;
  if (days < min || days > max) refuse('EXTENSION_DAYS_OUT_OF_RANGE', `O8: days must be ${min}–${max}`, { min, max });
};

/** The proposal a buyer's solution puts on the table (EXTEND_PROTECTION asks for no money). */
export const buyerProposalOf = (proposalId: string, paid: Money, sol: BuyerSolution): DisputeProposal =>
  sol.type === 'EXTEND_PROTECTION'
    ? { proposalId, by: 'buyer', type: sol.type, refund: money(0, paid), days: sol.days }
    : { proposalId, by: 'buyer', type: sol.type, refund: sol.refund };

/** D2: the buyer's proposal rules (opening and edits). `images`: evidence already given counts too. */
export const checkBuyerProposal = (s: { paid: Money }, goodsReceived: boolean, p: { type: string; refund: Money }, images: boolean): void => {
  checkAmount(s, p.refund, true);
  if (!goodsReceived && p.type === 'RETURN_AND_REFUND') refuse('RETURN_WITHOUT_GOODS', 'D2: nothing to return when the goods did not arrive');
  if (goodsReceived && p.refund.amount < s.paid.amount && !images) refuse('EVIDENCE_IMAGE_REQUIRED', 'D2: a partial refund on received goods needs an image');
  if (goodsReceived && p.refund.amount === s.paid.amount && p.type === 'REFUND_ONLY') {
    refuse('RETURN_REQUIRED_FOR_FULL_REFUND', 'D2: a full refund on received goods needs the return');
  }
};

export const imagesIn = (s: OpenDisputeState | null, submission: readonly EvidenceRef[], authorId: string): boolean =>
  hasImage(submission) || (s?.thread ?? []).some((e) => e.author.id === authorId && hasImage(e.evidence));

/** D3: one thread entry for a submission with text and/or evidence (hash-chained). */
export const threadEntry = (
  s: OpenDisputeState | (Ids & { thread: OpenDisputeState['thread']; policy: OpenDisputeState['policy'] }),
  kind: ThreadEntryKind,
  author: Actor,
  at: string,
  text: string | undefined,
  evidence: readonly EvidenceRef[],
): DisputeEvent[] => {
  assertEvidenceLimits(evidence, s.policy.dispute);
  if (!text && evidence.length === 0) return [];
  const entry = chainEntry(s.thread, { disputeId: s.disputeId, kind, author, at, text: text ?? null, evidence: [...evidence] });
  return [{ type: 'ThreadEntryAdded', data: { ...ids(s), entry } }];
};

export const nextProposalId = (s: OpenDisputeState): string => `${s.disputeId}-p${s.proposals.length + 1}`;

export const nextProposal = (s: OpenDisputeState, by: 'buyer' | 'seller', type: DisputeProposal['type'], refund: Money): DisputeProposal => ({
  proposalId: nextProposalId(s),
  by,
  type,
  refund,
});

/** The one settlement of a dispute. `refund` includes compensation; fast refunds are reported. */
export const settled = (s: OpenDisputeState, refund: Money, settledBy: SettledBy, at: string, comp?: Money): DisputeEvent => ({
  type: 'DisputeSettled',
  data: {
    ...ids(s),
    refund,
    ...(comp ? { returnShippingCompensation: comp } : {}),
    fastRefunded: s.fastRefunded,
    releaseRemainder: true,
    settledBy,
    settledAt: at,
  },
});

/** R1: the buyer ships the return within the window. */
export const returnRequested = (
  s: OpenDisputeState,
  refund: Money,
  requestedBy: 'AGREEMENT' | 'SELLER_SILENCE' | 'RULING' | 'APPEAL',
  at: string,
  comp?: Money,
): DisputeEvent => ({
  type: 'ReturnRequested',
  data: {
    ...ids(s),
    refund,
    ...(comp ? { returnShippingCompensation: comp } : {}),
    requestedBy,
    requestedAt: at,
    shipBy: addDuration(at, s.policy.returns.returnShipWindow),
  },
});

/** D9: the seller ships a replacement within the seller response window. */
export const resendAgreed = (s: OpenDisputeState, at: string): DisputeEvent => ({
  type: 'DisputeResendAgreed',
  data: { ...ids(s), agreedAt: at, shipBy: addDuration(at, s.policy.dispute.sellerResponseWindow), extendBy: s.protectionDays },
});

/** D6, D8: arbitration starts with the evidence window; A4 is expedited (O12). */
export const escalated = (s: OpenDisputeState, by: 'buyer' | 'seller' | 'system', at: string, cause: EscalationCause = 'PARTY'): DisputeEvent => {
  const expedited = s.expeditedLevels.includes(s.buyerLevel);
  return {
    type: 'DisputeEscalated',
    data: {
      ...ids(s),
      escalatedBy: by,
      escalatedAt: at,
      evidenceDueAt: addDuration(at, s.policy.dispute.evidenceWindow),
      rulingDueAt: addDuration(at, rulingSlaOf(s.policy, expedited)),
      expedited,
      cause,
    },
  };
};

/** O8: the dispute ends with the extension; the order resumes protection `days` longer. */
export const extensionAgreed = (s: OpenDisputeState, days: number, agreedBy: 'AGREEMENT' | 'SELLER_SILENCE' | 'RULING', at: string): DisputeEvent => ({
  type: 'DisputeProtectionExtensionAgreed',
  data: { ...ids(s), days, agreedBy, agreedAt: at },
});

/** D4, D5, R5, R1, D9, O8: what accepting a proposal leads to. */
export const outcomeOf = (s: OpenDisputeState, p: DisputeProposal, via: 'AGREEMENT' | 'SELLER_SILENCE', at: string): DisputeEvent => {
  if (p.type === 'REFUND_ONLY') return settled(s, p.refund, via, at);
  if (p.type === 'RETURN_AND_REFUND') return returnRequested(s, p.refund, via, at);
  if (p.type === 'EXTEND_PROTECTION') return extensionAgreed(s, p.days ?? 0, via, at);
  return resendAgreed(s, at);
};

export { ids };
