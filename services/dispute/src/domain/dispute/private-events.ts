import { z } from 'zod';
import { Actor, defineEvent, Money } from '@bp/contracts';
import { PolicySnapshotSchema } from '@bp/timers';
import { BuyerLevel } from '../order-facts/buyer-level';

/** Events that stay in the dispute service's log (no topic). Public ones: @bp/contracts disputes.v1. */
const Iso = z.iso.datetime();
const Id = z.string().min(1);
const base = { disputeId: Id, orderId: Id };
const priv = <S extends z.ZodType>(type: string, schema: S, description: string) => defineEvent({ type, version: 1, schema, description });

const EvidenceRefSchema = z.object({
  evidenceId: Id,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  contentType: z.string(),
  size: z.number().int().nonnegative(),
});
const ThreadEntrySchema = z.object({
  seq: z.number().int().positive(),
  disputeId: Id,
  kind: z.enum(['OPENING', 'MESSAGE', 'EVIDENCE', 'PROPOSAL', 'RULING', 'RETURN', 'APPEAL']),
  author: Actor,
  at: Iso,
  text: z.string().nullable(),
  evidence: z.array(EvidenceRefSchema),
  prevHash: z.string(),
  hash: z.string(),
});

export const DisputeTermsRecorded = priv(
  'DisputeTermsRecorded',
  z.object({
    ...base,
    paid: Money,
    protectionDays: z.number().int(),
    policy: PolicySnapshotSchema,
    buyerLevel: BuyerLevel,
    expeditedLevels: z.array(BuyerLevel),
    extensionRefused: z.boolean().optional(),
  }),
  'The order terms frozen at opening (policy snapshot, O2).',
);
export const DisputeProposalAccepted = priv(
  'DisputeProposalAccepted',
  z.object({ ...base, proposalId: Id, acceptedBy: z.enum(['buyer', 'seller', 'system']), acceptedAt: Iso }),
  'D4, D5: a proposal was accepted (system: seller silence).',
);
export const EvidenceWindowClosed = priv('EvidenceWindowClosed', z.object({ ...base, closedAt: Iso }), 'D8: the agent rules next.');
export const DisputeRuled = priv(
  'DisputeRuled',
  z.object({
    ...base,
    refund: Money,
    returnRequired: z.boolean(),
    returnShippingCompensation: Money.optional(),
    proposalId: Id.optional(),
    ruledBy: Id,
    ruledAt: Iso,
  }),
  'D8: the arbitration ruling.',
);
export const ThreadEntryAdded = priv('ThreadEntryAdded', z.object({ ...base, entry: ThreadEntrySchema }), 'D3: one hash-chained thread entry.');

const order = { orderId: Id };
export const orderFactsPrivateEvents = [
  priv(
    'OrderPlacedRecorded',
    z.object({ ...order, buyerId: Id, sellerId: Id, total: Money, protectionDays: z.number().int(), policy: PolicySnapshotSchema, placedAt: Iso }),
    'orders.v1 OrderPlaced',
  ),
  priv('OrderPaidRecorded', z.object({ ...order, amount: Money, paidAt: Iso }), 'orders.v1 OrderPaid'),
  priv('OrderShippedRecorded', z.object({ ...order, shippedAt: Iso, protectionEndsAt: Iso }), 'orders.v1 OrderShipped'),
  priv('OrderDeliveredRecorded', z.object({ ...order, deliveredAt: Iso }), 'orders.v1 OrderDelivered'),
  priv('ProtectionChangeRecorded', z.object({ ...order, protectionEndsAt: Iso.nullable(), at: Iso }), 'orders.v1 protection events'),
  priv('OrderCompletedRecorded', z.object({ ...order, completedAt: Iso, reason: z.string() }), 'orders.v1 OrderCompleted'),
  priv('OrderClosedRecorded', z.object({ ...order, closedAt: Iso, reason: z.string() }), 'orders.v1 OrderClosed / OrderCancelled'),
  priv('DisputeReservedOnOrder', z.object({ ...order, disputeId: Id, at: Iso }), 'D1: one open dispute per order'),
  priv(
    'DisputeReleasedOnOrder',
    z.object({ ...order, disputeId: Id, at: Iso, settled: z.boolean().optional() }),
    'D1: the dispute ended (settled: R5, the order takes no new dispute)',
  ),
  priv('ExtensionRefusalRecorded', z.object({ ...order, extensionId: Id, at: Iso }), 'orders.v1 ProtectionExtensionDeclined / ProtectionExtensionLapsed (O8)'),
  priv('BuyerLevelRecorded', z.object({ buyerId: Id, level: BuyerLevel, changedAt: Iso }), 'buyers.v1 BuyerLevelChanged'),
];

export const disputePrivateEvents = [DisputeTermsRecorded, DisputeProposalAccepted, EvidenceWindowClosed, DisputeRuled, ThreadEntryAdded];
