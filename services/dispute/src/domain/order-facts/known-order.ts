import type { Money } from '@bp/contracts';
import type { PolicySnapshot } from '@bp/timers';

// The state of one known order in the dispute service's order facts (order-facts.ts evolves it,
// protection-end.ts decides on part of it): a file of its own, so both import it and neither the other.

/** S3, R7: the fields protection-end.ts adds to KnownOrder (absent = the initial value). */
export interface ProtectionEndFacts {
  /** S3: the order's protection ended and we acknowledged it: no new dispute (D1). */
  protectionEnded?: boolean;
  acknowledgedRound?: number;
  /** R7: the resend-resolved dispute an appeal reopened on the order. */
  reopenedDisputeId?: string | null;
  /** S3: the last acknowledged protection end named an open dispute: the order kept the money. */
  heldAtProtectionEnd?: boolean;
}

export type OrderFactsStatus = 'placed' | 'paid' | 'shipped' | 'completed' | 'closed';

export interface KnownOrder extends ProtectionEndFacts {
  status: OrderFactsStatus;
  orderId: string;
  buyerId: string;
  sellerId: string;
  total: Money;
  paid: Money | null;
  protectionDays: number;
  policy: PolicySnapshot;
  shippedAt: string | null;
  deliveredAt: string | null;
  protectionEndsAt: string | null;
  protectionSuspended: boolean;
  completedAt: string | null;
  closedAt: string | null;
  openDisputeId: string | null;
  /** D1/R5: a dispute that settled the order's money; the order takes no new dispute (only an appeal, R7). */
  settledDisputeId: string | null;
  /** D12: disputes opened on this order so far, withdrawn ones included. */
  disputeCount: number;
  /** R7: the last dispute opened on the order; an earlier one can no longer be appealed. */
  latestDisputeId: string | null;
  /** O8: an extension request was declined or lapsed: a dispute may demand EXTEND_PROTECTION. */
  extensionRefused: boolean;
}
