/**
 * Schemas of the escrow's private events (its own log only; never published). With the public
 * escrow.v1 definitions they form the registry the escrow service encodes and decodes its log with.
 */
import { defineEvent, escrowPublicEvents, Money, type EventDefinition } from '@bp/contracts';
import { z } from 'zod';
import { ACCOUNTS, POSTING_REASONS } from '../ledger';

const Iso = z.iso.datetime();
const Id = z.string().min(1);
const Duration = z.string().min(2);

export const PostingSchema = z.object({
  entryId: Id,
  debit: z.enum(ACCOUNTS),
  credit: z.enum(ACCOUNTS),
  amount: z.number().int().positive(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  reason: z.enum(POSTING_REASONS),
  at: Iso,
});

export const EscrowPolicySchema = z.object({
  commissionBps: z.number().int().min(0).max(10_000),
  refundRetryBase: Duration,
  refundRetryMax: Duration,
});

const priv = <S extends z.ZodType>(type: string, schema: S, description: string) => defineEvent({ type, version: 1, schema, description });

export const escrowPrivateEvents = [
  priv(
    'OrderRecorded',
    z.object({ orderId: Id, buyerId: Id, sellerId: Id, total: Money, policy: EscrowPolicySchema, recordedAt: Iso }),
    'orders.v1 OrderPlaced as escrow knows it',
  ),
  priv(
    'PaymentRequested',
    z.object({ orderId: Id, paymentId: Id, methodType: z.literal('sandbox'), amount: Money, requestedAt: Iso, token: z.string().min(1).optional() }),
    'E4: a payment sent to the provider',
  ),
  priv(
    'PaymentReconcileStarted',
    z.object({ orderId: Id, paymentId: Id, attempt: z.number().int().positive(), startedAt: Iso, nextReconcileAt: Iso }),
    'E4: a payment still waiting for the provider is asked about again',
  ),
  priv('EntriesPosted', z.object({ orderId: Id, sellerId: Id, entries: z.array(PostingSchema).min(1) }), 'E1: immutable ledger postings'),
  priv('FastRefundAdvanced', z.object({ orderId: Id, disputeId: Id, amount: Money, refundId: Id, advancedAt: Iso }), 'R6'),
  priv(
    'DisputeSettlementApplied',
    z.object({
      orderId: Id,
      disputeId: Id,
      settledBy: z.string(),
      refund: Money,
      compensation: Money,
      recovered: z.number().int(),
      writtenOff: z.number().int(),
      fromHold: z.number().int(),
      fromSeller: z.number().int(),
      releaseRemainder: z.boolean(),
      appliedAt: Iso,
    }),
    'E3: a dispute outcome applied',
  ),
  priv(
    'AppealDecisionApplied',
    z.object({
      orderId: Id,
      disputeId: Id,
      decision: z.enum(['UPHOLD', 'OVERTURN']),
      previousRefund: z.number().int(),
      newRefund: z.number().int(),
      fromHold: z.number().int(),
      fromSeller: z.number().int(),
      appliedAt: Iso,
      writeoffFromHold: z.number().int().optional(),
      writeoffFromSeller: z.number().int().optional(),
    }),
    'R8/E5',
  ),
  priv(
    'RefundAttemptFailed',
    z.object({ orderId: Id, refundId: Id, attempt: z.number().int().positive(), error: z.string(), failedAt: Iso, nextAttemptAt: Iso }),
    'E4',
  ),
  priv('RefundRetried', z.object({ orderId: Id, refundId: Id, attempt: z.number().int().positive(), retriedAt: Iso }), 'E4'),
  priv(
    'EscrowClosed',
    z.object({ orderId: Id, outcome: z.enum(['COMPLETED', 'CANCELLED', 'CLOSED']), reason: z.string(), closedAt: Iso }),
    'the order reached its outcome',
  ),
] as const;

/** Every event the escrow log holds, public and private. */
export const escrowEventDefinitions: readonly EventDefinition[] = [...escrowPublicEvents, ...escrowPrivateEvents];
