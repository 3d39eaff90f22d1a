import { z } from 'zod';
import type { Decider, DomainEvent } from '@bp/eventstore';

/** O12: buyer club level, learned from buyers.v1 (BuyerLevelChanged). One stream per buyer. */
export const BuyerLevel = z.enum(['A0', 'A1', 'A2', 'A3', 'A4']);
export type BuyerLevel = z.infer<typeof BuyerLevel>;

export type BuyerLevelEvent = DomainEvent<'BuyerLevelRecorded', { buyerId: string; level: BuyerLevel; changedAt: string }>;
export type BuyerLevelState = { buyerId: string | null; level: BuyerLevel; changedAt: string | null };
export type BuyerLevelCommand = { type: 'RecordBuyerLevel'; data: { buyerId: string; level: BuyerLevel; changedAt: string }; meta: { now: string } };

export const initialBuyerLevel: BuyerLevelState = { buyerId: null, level: 'A0', changedAt: null };

/** An older or repeated level change (redelivery, reordering) changes nothing. */
export const decideBuyerLevel = (c: BuyerLevelCommand, s: BuyerLevelState): BuyerLevelEvent[] => {
  const stale = s.changedAt !== null && Date.parse(c.data.changedAt) <= Date.parse(s.changedAt);
  return stale ? [] : [{ type: 'BuyerLevelRecorded', data: c.data }];
};

export const evolveBuyerLevel = (s: BuyerLevelState, e: BuyerLevelEvent): BuyerLevelState =>
  e.type === 'BuyerLevelRecorded' ? { buyerId: e.data.buyerId, level: e.data.level, changedAt: e.data.changedAt } : s;

export const buyerLevelDecider: Decider<BuyerLevelCommand, BuyerLevelEvent, BuyerLevelState> = {
  decide: decideBuyerLevel,
  evolve: evolveBuyerLevel,
  initialState: initialBuyerLevel,
};

export const buyerLevelStreamId = (buyerId: string): string => `dispute-buyer-level-${buyerId}`;
