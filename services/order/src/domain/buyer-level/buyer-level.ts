// O12: the buyer club level, one stream per buyer. Completed spend is summed in USD cents through the
// policy's rate table; each completed order counts once (dedupe by orderId). BuyerLevelChanged is
// public (buyers.v1) and emitted only when the level changes; CompletedSpendRecorded stays private.
// O11: the same stream keeps the buyer's points: confirming receipt earns the policy's
// confirmationPoints once per order (BuyerPointsEarned, public on buyers.v1).
import { z } from 'zod';
import {
  DomainError,
  Money,
  defineEvent,
  toMajorUnits,
  type Actor,
  type BuyerLevel,
  type BuyerLevelChangedData,
  type BuyerPointsEarnedData,
} from '@bp/contracts';
import type { Decider } from '@bp/eventstore';
import type { Policy } from '@bp/timers';

export type BuyerLevelsPolicy = Pick<Policy['buyerLevels'], 'thresholdsUsdCents' | 'usdRates'>;

export interface CompletedSpendRecordedData {
  buyerId: string;
  orderId: string;
  amount: Money;
  usdCents: number;
  recordedAt: string;
}

export type BuyerLevelEvent =
  | { type: 'CompletedSpendRecorded'; data: CompletedSpendRecordedData }
  | { type: 'BuyerLevelChanged'; data: BuyerLevelChangedData }
  | { type: 'BuyerPointsEarned'; data: BuyerPointsEarnedData };

/** From OrderCompleted: `amount` is what the buyer finally spent on the order. */
export type RecordCompletedSpend = {
  type: 'RecordCompletedSpend';
  data: { buyerId: string; orderId: string; amount: Money; policy: BuyerLevelsPolicy };
  meta: { now: string; actor: Actor };
};
/** O11: from an OrderCompleted with reason CONFIRMED (the buyer confirmed; never auto-confirm). */
export type AwardConfirmationPoints = {
  type: 'AwardConfirmationPoints';
  data: { buyerId: string; orderId: string /** policy buyerLevels.confirmationPoints */; points: number };
  meta: { now: string; actor: Actor };
};
export type BuyerLevelCommand = RecordCompletedSpend | AwardConfirmationPoints;

export interface BuyerLevelState {
  level: BuyerLevel;
  completedSpendUsdCents: number;
  countedOrders: string[];
  /** O11: points earned by confirming receipt, and the orders that earned them (once each). */
  points: number;
  pointsOrders: string[];
}

export const initialBuyerLevelState: BuyerLevelState = { level: 'A0', completedSpendUsdCents: 0, countedOrders: [], points: 0, pointsOrders: [] };

export const BuyerLevelErrors = { UNKNOWN_CURRENCY_RATE: 'unprocessable' } as const;

/** Money -> USD cents through the rate table (USD per one major unit; major units from ISO 4217, not Intl). */
export const toUsdCents = (amount: Money, rates: Record<string, number>): number => {
  const rate = rates[amount.currency];
  if (rate === undefined) throw new DomainError('UNKNOWN_CURRENCY_RATE', `no USD rate for ${amount.currency}`, 'unprocessable');
  return Math.round(toMajorUnits(amount) * rate * 100);
};

/** Spend saturates at the largest safe integer (far above A4): the level stays right, the event stays valid. */
const addSpend = (a: number, b: number): number => Math.min(a + b, Number.MAX_SAFE_INTEGER);

/** O12: A0 none, A1 $1–99, A2 $100–499, A3 $500–1,999, A4 $2,000+ (thresholds from the policy). */
export const levelFor = (usdCents: number, thresholds: BuyerLevelsPolicy['thresholdsUsdCents']): BuyerLevel => {
  const levels = ['A4', 'A3', 'A2', 'A1'] as const;
  return levels.find((l) => usdCents >= thresholds[l]) ?? 'A0';
};

const recordCompletedSpend = (cmd: RecordCompletedSpend, state: BuyerLevelState): BuyerLevelEvent[] => {
  const { buyerId, orderId, amount, policy } = cmd.data;
  if (state.countedOrders.includes(orderId)) return []; // counted once
  const usdCents = toUsdCents(amount, policy.usdRates);
  const recordedAt = new Date(cmd.meta.now).toISOString();
  const recorded: BuyerLevelEvent = { type: 'CompletedSpendRecorded', data: { buyerId, orderId, amount, usdCents, recordedAt } };
  const total = addSpend(state.completedSpendUsdCents, usdCents);
  const level = levelFor(total, policy.thresholdsUsdCents);
  if (level === state.level) return [recorded];
  const changed: BuyerLevelChangedData = { buyerId, level, previousLevel: state.level, completedSpendUsdCents: total, orderId, changedAt: recordedAt };
  return [recorded, { type: 'BuyerLevelChanged', data: changed }];
};

/** O11: confirming earns the buyer points, once per order; a policy of 0 points earns nothing. */
const awardConfirmationPoints = (cmd: AwardConfirmationPoints, state: BuyerLevelState): BuyerLevelEvent[] => {
  const { buyerId, orderId, points } = cmd.data;
  if (points <= 0 || state.pointsOrders.includes(orderId)) return []; // once per order
  const earnedAt = new Date(cmd.meta.now).toISOString();
  return [{ type: 'BuyerPointsEarned', data: { buyerId, orderId, points, totalPoints: state.points + points, earnedAt } }];
};

export const decideBuyerLevel = (command: BuyerLevelCommand, state: BuyerLevelState): BuyerLevelEvent[] => {
  switch (command.type) {
    case 'RecordCompletedSpend':
      return recordCompletedSpend(command, state);
    case 'AwardConfirmationPoints':
      return awardConfirmationPoints(command, state);
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${String((unknown as { type: unknown }).type)}`);
    }
  }
};

export const evolveBuyerLevel = (state: BuyerLevelState, event: BuyerLevelEvent): BuyerLevelState => {
  switch (event.type) {
    case 'CompletedSpendRecorded':
      if (state.countedOrders.includes(event.data.orderId)) return state;
      return {
        ...state,
        completedSpendUsdCents: addSpend(state.completedSpendUsdCents, event.data.usdCents),
        countedOrders: [...state.countedOrders, event.data.orderId],
      };
    case 'BuyerLevelChanged':
      return { ...state, level: event.data.level };
    case 'BuyerPointsEarned':
      if (state.pointsOrders.includes(event.data.orderId)) return state;
      return { ...state, points: state.points + event.data.points, pointsOrders: [...state.pointsOrders, event.data.orderId] };
    default:
      return state;
  }
};

export const buyerLevelDecider: Decider<BuyerLevelCommand, BuyerLevelEvent, BuyerLevelState> = {
  decide: decideBuyerLevel,
  evolve: evolveBuyerLevel,
  initialState: initialBuyerLevelState,
};

/** GET /buyers/{buyerId}/level (API.md), plus the buyer's points (O11). */
export const buyerLevelView = (s: BuyerLevelState) => ({ level: s.level, completedSpendUsd: s.completedSpendUsdCents / 100, points: s.points });

/** The private event's schema, for the service's log registry (never published). */
export const CompletedSpendRecorded = defineEvent({
  type: 'CompletedSpendRecorded',
  version: 1,
  schema: z.object({
    buyerId: z.string().min(1),
    orderId: z.string().min(1),
    amount: Money,
    usdCents: z.number().int().nonnegative(),
    recordedAt: z.iso.datetime(),
  }),
});
export const buyerLevelPrivateEvents = [CompletedSpendRecorded] as const;
