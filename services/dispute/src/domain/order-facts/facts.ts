import type { Money } from '@bp/contracts';
import type { PolicySnapshot } from '@bp/timers';
import type { BuyerLevel } from './buyer-level';
import type { OrderFactsState } from './order-facts';

/**
 * What the dispute decider needs to know about the order when a dispute is opened. The command
 * handler builds it from the order-facts and buyer-level streams and puts it on OpenDispute.
 */
export interface DisputeOrderFacts {
  orderId: string;
  status: OrderFactsState['status'];
  buyerId: string;
  sellerId: string;
  /** The paid total (0 when not paid). */
  paid: Money;
  protectionDays: number;
  shippedAt: string | null;
  deliveredAt: string | null;
  protectionEndsAt: string | null;
  protectionSuspended: boolean;
  openDisputeId: string | null;
  /** S3: the order's protection ended and the dispute service acknowledged it: no new dispute (D1). */
  protectionEnded?: boolean;
  /** A dispute already settled the order's money (R5): no new dispute. */
  settledDisputeId: string | null;
  /** D12: disputes opened on the order so far (withdrawn ones count). */
  disputeCount: number;
  /** O8: an extension request was declined or lapsed. */
  extensionRefused: boolean;
  policy: PolicySnapshot;
  buyerLevel: BuyerLevel;
  /** D8, O12: levels with expedited arbitration (live policy `buyerLevels`, not in the snapshot). */
  expeditedLevels: BuyerLevel[];
}

export const disputeFactsOf = (state: OrderFactsState, buyerLevel: BuyerLevel, expeditedLevels: BuyerLevel[]): DisputeOrderFacts | null => {
  if (state.status === 'unknown') return null;
  const { total, paid, completedAt: _c, closedAt: _x, ...rest } = state;
  return { ...rest, paid: paid ?? { amount: 0, currency: total.currency }, buyerLevel, expeditedLevels };
};
