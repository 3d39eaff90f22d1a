// Public events on the disputes.v1 topic (docs/conventions.md, catalogue). Owned by the dispute
// service. Key = orderId. Money is integer minor units. Private dispute events (thread entries,
// rulings, acceptances, timers) are declared in services/dispute/src/domain and stay in its log.
//
// Money reaches escrow exactly once per outcome (catalogue):
// - DisputeSettled: THE settlement (one per dispute). Refund `refund` (which already includes
//   `returnShippingCompensation` when present), release the rest when `releaseRemainder`.
//   `fastRefunded` is the part already paid by FastRefundGranted (R6): escrow pays only
//   max(0, refund - fastRefunded) now; when fastRefunded > refund the difference is the platform's
//   exposure (recovered or written off by escrow), the seller still gets paid - refund.
// - FastRefundGranted: a refund paid ahead of the return's receipt (R6, platform carries the risk).
// - AppealDecided with `correction: true`: a correction of an earlier settlement (E5): the new total
//   refund is `refund`, the earlier one `previousRefund`. With `correction: false` no money moves on
//   this event (UPHOLD, or an OVERTURN whose money travels on DisputeSettled settledBy APPEAL).
import { z } from 'zod';
import { Money } from '../money';
import { Topics } from '../topics';
import { defineEvent } from '../registry';
import { ProtectionEndAcknowledged } from './protection-end';

const Iso = z.iso.datetime();
const Id = z.string().min(1);
const byOrder = (d: { orderId: string }) => d.orderId;

/** D2: why the buyer opens a dispute. */
export const DisputeReason = z.enum([
  'NOT_RECEIVED',
  'NOT_AS_DESCRIBED',
  'DAMAGED_OR_DEFECTIVE',
  'WRONG_ITEM',
  'COUNTERFEIT',
  'MISSING_PARTS',
  'EMPTY_PACKAGE',
  'OTHER',
]);
export type DisputeReason = z.infer<typeof DisputeReason>;

/**
 * D2, D4, D9: the buyer proposes REFUND_ONLY or RETURN_AND_REFUND; the seller may also offer RESEND.
 * O8: after a declined or unanswered extension request the buyer may propose EXTEND_PROTECTION
 * (`days`, refund 0). Added within v1: consumers treat a type they do not know as "other".
 */
export const ProposalType = z.enum(['REFUND_ONLY', 'RETURN_AND_REFUND', 'RESEND', 'EXTEND_PROTECTION']);
export type ProposalType = z.infer<typeof ProposalType>;

export const DisputeProposal = z.object({
  proposalId: Id,
  by: z.enum(['buyer', 'seller']),
  type: ProposalType,
  /** 0..paid; 0 for RESEND and EXTEND_PROTECTION. */
  refund: Money,
  /** O8: the protection days an EXTEND_PROTECTION proposal asks for (absent otherwise). */
  days: z.number().int().positive().optional(),
});
export type DisputeProposal = z.infer<typeof DisputeProposal>;

/** R3, R4: what the seller found when the return arrived. */
export const ReturnCondition = z.enum(['RECEIVED_OK', 'NOT_RECEIVED', 'DAMAGED', 'DIFFERENT_ITEM']);
export type ReturnCondition = z.infer<typeof ReturnCondition>;

export const SettledBy = z.enum(['AGREEMENT', 'SELLER_SILENCE', 'RULING', 'RETURN_MISSED', 'RETURN_RECEIVED', 'RETURN_UNANSWERED', 'APPEAL']);
export type SettledBy = z.infer<typeof SettledBy>;

/** R7: appeal reasons and sub-reasons. */
export const AppealReason = z.enum(['RESOLUTION_NOT_ACCEPTED', 'SELLER_BROKE_PROMISE']);
export type AppealReason = z.infer<typeof AppealReason>;
export const AppealSubReason = z.enum([
  'RETURN_PERIOD_TOO_LONG',
  'RETURN_INCONVENIENT',
  'NOT_ALLOWED_BY_POLICY',
  'MESSAGE_HISTORY_SUFFICIENT',
  'DID_NOT_KNOW_WHAT_TO_SUBMIT',
  'EVIDENCE_DEMANDS_TOO_HIGH',
  'MISSED_EVIDENCE_DEADLINE',
  'RETURN_SHIPPING_NOT_COMPENSATED',
  'SELLER_PROMISED_REFUND',
]);
export type AppealSubReason = z.infer<typeof AppealSubReason>;
export const AppealDecision = z.enum(['UPHOLD', 'OVERTURN']);
export type AppealDecision = z.infer<typeof AppealDecision>;

const base = { disputeId: Id, orderId: Id };

export const DisputeOpenedData = z.object({
  ...base,
  buyerId: Id,
  sellerId: Id,
  reason: DisputeReason,
  goodsReceived: z.boolean(),
  proposal: DisputeProposal,
  openedAt: Iso,
  sellerRespondBy: Iso,
});
export const DisputeCounterProposedData = z.object({ ...base, proposal: DisputeProposal, proposedAt: Iso, respondBy: Iso });
export const DisputeProposalEditedData = DisputeCounterProposedData;
export const DisputeEscalatedData = z.object({
  ...base,
  escalatedBy: z.enum(['buyer', 'seller', 'system']),
  escalatedAt: Iso,
  evidenceDueAt: Iso,
  rulingDueAt: Iso,
  /** D8, O12: A4 buyers go first with the shorter SLA. */
  expedited: z.boolean(),
  /**
   * Why it was escalated (optional, added in v1): PARTY (D6), BUYER_SILENCE and AGREEMENT_WINDOW
   * (D5: the 15 days to agree ran out), HAGGLING_LIMIT (D11), PLATFORM_INVOLVEMENT (D10),
   * RESEND_MISSED (D9), RETURN_PROBLEM (R4).
   */
  cause: z.enum(['PARTY', 'BUYER_SILENCE', 'AGREEMENT_WINDOW', 'HAGGLING_LIMIT', 'PLATFORM_INVOLVEMENT', 'RESEND_MISSED', 'RETURN_PROBLEM']).optional(),
});
export const DisputeWithdrawnData = z.object({ ...base, withdrawnAt: Iso });
export const ReturnRequestedData = z.object({
  ...base,
  /** The refund due once the return is received (includes compensation). */
  refund: Money,
  returnShippingCompensation: Money.optional(),
  requestedBy: z.enum(['AGREEMENT', 'SELLER_SILENCE', 'RULING', 'APPEAL']),
  requestedAt: Iso,
  shipBy: Iso,
});
export const ReturnShippedData = z.object({ ...base, carrier: Id, trackingNumber: Id, shippedAt: Iso, answerBy: Iso });
export const ReturnReceivedData = z.object({ ...base, condition: ReturnCondition, receivedAt: Iso });
export const DisputeSettledData = z.object({
  ...base,
  /** Total refund to the buyer, 0..paid, return-shipping compensation included. */
  refund: Money,
  /** The compensation part of `refund`, when a ruling granted it (R1, D8). */
  returnShippingCompensation: Money.optional(),
  /** The part of `refund` already paid by FastRefundGranted (R6); amount 0 when none. */
  fastRefunded: Money,
  /** true: the rest of the held money goes to the seller. */
  releaseRemainder: z.boolean(),
  settledBy: SettledBy,
  settledAt: Iso,
});
export const FastRefundGrantedData = z.object({ ...base, amount: Money, grantedAt: Iso });
export const DisputeResendAgreedData = z.object({ ...base, agreedAt: Iso, shipBy: Iso, extendBy: z.number().int().positive() });
export const ResendShippedData = z.object({
  ...base,
  carrier: Id,
  trackingNumber: Id,
  shippedAt: Iso,
  /** D9: protection days to add to the order's protection (the shipping method's protection days). */
  extendBy: z.number().int().positive(),
});
export const AppealFiledData = z.object({
  ...base,
  reason: AppealReason,
  subReasons: z.array(AppealSubReason),
  filedBy: z.enum(['buyer', 'agent']),
  filedAt: Iso,
  /** S1: the appeal's decision SLA (optional, added in v1). */
  decideBy: Iso.optional(),
  /** S1: A4 appeals go first in the agents' appeal queue (optional, added in v1). */
  expedited: z.boolean().optional(),
});
export const AppealDecidedData = z.object({
  ...base,
  decision: AppealDecision,
  /** The new total refund (UPHOLD: unchanged). */
  refund: Money,
  previousRefund: Money,
  /** true: corrects an earlier DisputeSettled, escrow moves refund - previousRefund (E5). */
  correction: z.boolean(),
  decidedAt: Iso,
});
export const ArbitrationSlaBreachedData = z.object({ ...base, rulingDueAt: Iso, expedited: z.boolean(), breachedAt: Iso });
/** S1: an appeal not decided within its SLA (an ops alert; it never decides). */
export const AppealSlaBreachedData = z.object({ ...base, decideBy: Iso, expedited: z.boolean(), breachedAt: Iso });
/**
 * O8: the dispute ended with the extension the seller had declined: protection resumes `days` longer,
 * as an approved extension would; the money stays held (no settlement).
 */
export const DisputeProtectionExtensionAgreedData = z.object({
  ...base,
  days: z.number().int().positive(),
  agreedBy: z.enum(['AGREEMENT', 'SELLER_SILENCE', 'RULING']),
  agreedAt: Iso,
});

export type DisputeOpenedData = z.infer<typeof DisputeOpenedData>;
export type DisputeCounterProposedData = z.infer<typeof DisputeCounterProposedData>;
export type DisputeProposalEditedData = z.infer<typeof DisputeProposalEditedData>;
export type DisputeEscalatedData = z.infer<typeof DisputeEscalatedData>;
export type DisputeWithdrawnData = z.infer<typeof DisputeWithdrawnData>;
export type ReturnRequestedData = z.infer<typeof ReturnRequestedData>;
export type ReturnShippedData = z.infer<typeof ReturnShippedData>;
export type ReturnReceivedData = z.infer<typeof ReturnReceivedData>;
export type DisputeSettledData = z.infer<typeof DisputeSettledData>;
export type FastRefundGrantedData = z.infer<typeof FastRefundGrantedData>;
export type DisputeResendAgreedData = z.infer<typeof DisputeResendAgreedData>;
export type ResendShippedData = z.infer<typeof ResendShippedData>;
export type AppealFiledData = z.infer<typeof AppealFiledData>;
export type AppealDecidedData = z.infer<typeof AppealDecidedData>;
export type ArbitrationSlaBreachedData = z.infer<typeof ArbitrationSlaBreachedData>;
export type AppealSlaBreachedData = z.infer<typeof AppealSlaBreachedData>;
export type DisputeProtectionExtensionAgreedData = z.infer<typeof DisputeProtectionExtensionAgreedData>;

const pub = <S extends z.ZodType<{ orderId: string }>>(type: string, action: string, schema: S, description: string) =>
  defineEvent({ type, version: 1, schema, topic: Topics.disputes, ceType: `marketplace.dispute.${action}.v1`, key: byOrder, description });

export const DisputeOpened = pub('DisputeOpened', 'opened', DisputeOpenedData, 'D1, D2: the order protection is suspended (O9).');
export const DisputeCounterProposed = pub('DisputeCounterProposed', 'counter-proposed', DisputeCounterProposedData, 'D4: the seller counters.');
export const DisputeProposalEdited = pub(
  'DisputeProposalEdited',
  'proposal-edited',
  DisputeProposalEditedData,
  'D5: the buyer edits; the seller gets a fresh window.',
);
export const DisputeEscalated = pub('DisputeEscalated', 'escalated', DisputeEscalatedData, 'D6, D8: arbitration starts with an evidence window.');
export const DisputeWithdrawn = pub('DisputeWithdrawn', 'withdrawn', DisputeWithdrawnData, 'D7: the order resumes protection (O9).');
export const ReturnRequested = pub('ReturnRequested', 'return-requested', ReturnRequestedData, 'R1: the buyer ships the return by shipBy.');
export const ReturnShipped = pub('ReturnShipped', 'return-shipped', ReturnShippedData, 'R1, R3: the seller answers by answerBy.');
export const ReturnReceived = pub('ReturnReceived', 'return-received', ReturnReceivedData, 'R3, R4: the seller reports the condition.');
export const DisputeSettled = pub('DisputeSettled', 'settled', DisputeSettledData, 'The one settlement of a dispute: refund, release the rest.');
export const FastRefundGranted = pub('FastRefundGranted', 'fast-refund-granted', FastRefundGrantedData, 'R6: refund now, platform exposure.');
export const DisputeResendAgreed = pub('DisputeResendAgreed', 'resend-agreed', DisputeResendAgreedData, 'D9: the seller will ship a replacement.');
export const ResendShipped = pub('ResendShipped', 'resend-shipped', ResendShippedData, 'D9: resolved; money stays held, protection extended by extendBy days.');
export const AppealFiled = pub('AppealFiled', 'appeal-filed', AppealFiledData, 'R7: once per dispute.');
export const AppealDecided = pub('AppealDecided', 'appeal-decided', AppealDecidedData, 'R8, E5: UPHOLD or OVERTURN with a new total refund.');
export const ArbitrationSlaBreached = pub('ArbitrationSlaBreached', 'sla-breached', ArbitrationSlaBreachedData, 'D8: ops alert; never decides.');
export const AppealSlaBreached = pub(
  'AppealSlaBreached',
  'appeal-sla-breached',
  AppealSlaBreachedData,
  'S1: appeal decision SLA missed; ops alert, never decides.',
);
export const DisputeProtectionExtensionAgreed = pub(
  'DisputeProtectionExtensionAgreed',
  'protection-extension-agreed',
  DisputeProtectionExtensionAgreedData,
  'O8: the dispute ends with the extension; the order resumes protection `days` longer; money stays held.',
);

export const disputePublicEvents = [
  DisputeOpened,
  DisputeCounterProposed,
  DisputeProposalEdited,
  DisputeEscalated,
  DisputeWithdrawn,
  ReturnRequested,
  ReturnShipped,
  ReturnReceived,
  DisputeSettled,
  FastRefundGranted,
  DisputeResendAgreed,
  ResendShipped,
  AppealFiled,
  AppealDecided,
  ArbitrationSlaBreached,
  ProtectionEndAcknowledged,
  AppealSlaBreached,
  DisputeProtectionExtensionAgreed,
] as const;
