import { z } from 'zod';
import { AppealDecision, AppealReason, AppealSubReason, DisputeReason, Money, ReturnCondition, type Actor } from '@bp/contracts';
import type { DisputeOrderFacts } from '../order-facts/facts';
import type { EvidenceRef } from '../thread/thread';
import type { DeadlineKind } from './process';
import type { BuyerSolution } from './emit';

// ---- HTTP bodies (API.md, dispute section): strict, so unknown fields are refused (400). ----

const Id = z.string().min(1).max(200);
const Text = z.string().trim().min(1).max(5000);
const EvidenceIds = z.array(Id).max(20).default([]);

/** D2: a refund; O8: or, after a declined/unanswered extension request, EXTEND_PROTECTION with days. */
const BuyerSolutionBody = z.union([
  z.strictObject({ type: z.enum(['REFUND_ONLY', 'RETURN_AND_REFUND']), refund: Money }),
  z.strictObject({ type: z.literal('EXTEND_PROTECTION'), days: z.number().int().positive() }),
]);

export const OpenDisputeBody = z.strictObject({
  orderId: Id,
  goodsReceived: z.boolean(),
  reason: DisputeReason,
  solution: BuyerSolutionBody,
  description: Text,
  evidenceIds: EvidenceIds,
});
export const AcceptBody = z.strictObject({});
export const CounterProposalBody = z.strictObject({
  solution: z.strictObject({ type: z.enum(['REFUND_ONLY', 'RETURN_AND_REFUND', 'RESEND']), refund: Money.optional() }),
  message: Text,
  evidenceIds: EvidenceIds,
});
export const EditProposalBody = z.strictObject({
  solution: BuyerSolutionBody,
  message: Text.optional(),
  evidenceIds: EvidenceIds,
});
export const EscalateBody = z.strictObject({ message: Text.optional() });
export const CancelBody = z.strictObject({});
export const MessageBody = z.strictObject({ text: Text.optional(), evidenceIds: EvidenceIds });
export const ShipmentBody = z.strictObject({ carrier: Id, trackingNumber: Id });
export const ReturnReceiptBody = z.strictObject({ condition: ReturnCondition, note: Text.optional() });
export const RulingBody = z.union([
  z.strictObject({ refund: Money, returnRequired: z.boolean(), returnShippingCompensation: Money.optional(), note: Text }),
  z.strictObject({ proposalId: Id, note: Text }),
]);
export const AppealBody = z.strictObject({
  reason: AppealReason,
  subReasons: z.array(AppealSubReason).max(AppealSubReason.options.length).default([]),
  statement: Text,
  evidenceIds: EvidenceIds,
  onBehalfOf: Id.optional(),
});
export const AppealDecisionBody = z
  .strictObject({ decision: AppealDecision, refund: Money.optional(), note: Text })
  .refine((b) => b.decision === 'UPHOLD' || b.refund !== undefined, { message: 'OVERTURN needs refund', path: ['refund'] });

export type OpenDisputeBody = z.infer<typeof OpenDisputeBody>;
export type CounterProposalBody = z.infer<typeof CounterProposalBody>;
export type EditProposalBody = z.infer<typeof EditProposalBody>;
export type RulingBody = z.infer<typeof RulingBody>;
export type AppealBody = z.infer<typeof AppealBody>;
export type AppealDecisionBody = z.infer<typeof AppealDecisionBody>;

// ---- Commands: everything impure (now, actor, ids, evidence metadata, order facts) is on them. ----

export interface CommandMeta {
  now: string;
  actor: Actor;
}
type C<T extends string, D> = { type: T; data: D; meta: CommandMeta };
type Solution = { type: 'REFUND_ONLY' | 'RETURN_AND_REFUND' | 'RESEND'; refund?: Money };

export type OpenDispute = C<
  'OpenDispute',
  {
    disputeId: string;
    orderId: string;
    goodsReceived: boolean;
    reason: OpenDisputeBody['reason'];
    solution: BuyerSolution;
    description: string;
    /** The evidence ids resolved to their stored metadata by the caller. */
    evidence: EvidenceRef[];
    /** The order as the dispute service knows it (order-facts/facts.ts). */
    order: DisputeOrderFacts;
  }
>;
export type AcceptProposal = C<'AcceptProposal', Record<string, never>>;
export type CounterPropose = C<'CounterPropose', { solution: Solution; message: string; evidence: EvidenceRef[] }>;
export type EditProposal = C<'EditProposal', { solution: BuyerSolution; message?: string; evidence: EvidenceRef[] }>;
export type Escalate = C<'Escalate', { message?: string }>;
export type Withdraw = C<'Withdraw', Record<string, never>>;
export type PostMessage = C<'PostMessage', { text?: string; evidence: EvidenceRef[] }>;
export type AddEvidence = C<'AddEvidence', { evidence: EvidenceRef[]; text?: string }>;
export type Rule = C<
  'Rule',
  { refund: Money; returnRequired: boolean; returnShippingCompensation?: Money; note: string } | { proposalId: string; note: string }
>;
/** R6: the fast refund follows the buyer's level at opening (the dispute's terms), as D8's expedited arbitration does. */
export type ShipReturn = C<'ShipReturn', { carrier: string; trackingNumber: string }>;
export type ConfirmReturnReceipt = C<'ConfirmReturnReceipt', { condition: z.infer<typeof ReturnCondition>; note?: string }>;
export type ShipResend = C<'ShipResend', { carrier: string; trackingNumber: string }>;
export type FileAppeal = C<'FileAppeal', { reason: AppealBody['reason']; subReasons: AppealBody['subReasons']; statement: string; evidence: EvidenceRef[] }>;
export type DecideAppeal = C<'DecideAppeal', { decision: 'UPHOLD' | 'OVERTURN'; refund?: Money; note: string }>;
export type FireDeadline = C<'FireDeadline', { kind: DeadlineKind; dueAt: string }>;

export type DisputeCommand =
  | OpenDispute
  | AcceptProposal
  | CounterPropose
  | EditProposal
  | Escalate
  | Withdraw
  | PostMessage
  | AddEvidence
  | Rule
  | ShipReturn
  | ConfirmReturnReceipt
  | ShipResend
  | FileAppeal
  | DecideAppeal
  | FireDeadline;
