// Public events on the buyers.v1 topic (docs/conventions.md, catalogue). Owned by the order service.
// Key = buyerId. O12: buyer club level by total completed spend in USD cents. O11: points a buyer
// earns by confirming receipt.
import { z } from 'zod';
import { Topics } from '../topics';
import { defineEvent } from '../registry';

export const BuyerLevel = z.enum(['A0', 'A1', 'A2', 'A3', 'A4']);
export type BuyerLevel = z.infer<typeof BuyerLevel>;

export const BuyerLevelChangedData = z.object({
  buyerId: z.string().min(1),
  level: BuyerLevel,
  previousLevel: BuyerLevel,
  completedSpendUsdCents: z.number().int().nonnegative(),
  /** The completed order whose spend moved the level. */
  orderId: z.string().min(1),
  changedAt: z.iso.datetime(),
});
export type BuyerLevelChangedData = z.infer<typeof BuyerLevelChangedData>;

export const BuyerLevelChanged = defineEvent({
  type: 'BuyerLevelChanged',
  version: 1,
  schema: BuyerLevelChangedData,
  topic: Topics.buyers,
  ceType: 'marketplace.buyer.level-changed.v1',
  key: (d) => d.buyerId,
  description: 'O12: the buyer club level changed (A3/A4 fast refunds R6, A4 expedited arbitration D8).',
});

export const BuyerPointsEarnedData = z.object({
  buyerId: z.string().min(1),
  /** The order whose receipt the buyer confirmed (each order earns once). */
  orderId: z.string().min(1),
  points: z.number().int().positive(),
  /** The buyer's points after this award. */
  totalPoints: z.number().int().nonnegative(),
  earnedAt: z.iso.datetime(),
});
export type BuyerPointsEarnedData = z.infer<typeof BuyerPointsEarnedData>;

export const BuyerPointsEarned = defineEvent({
  type: 'BuyerPointsEarned',
  version: 1,
  schema: BuyerPointsEarnedData,
  topic: Topics.buyers,
  ceType: 'marketplace.buyer.points-earned.v1',
  key: (d) => d.buyerId,
  description: 'O11: the buyer confirmed receipt of an order and earned points (once per order; not on auto-confirm).',
});

/** Every public buyers.v1 event definition. */
export const buyerPublicEvents = [BuyerLevelChanged, BuyerPointsEarned] as const;
