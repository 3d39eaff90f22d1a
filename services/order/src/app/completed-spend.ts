// O12 process step (pure): an OrderCompleted becomes the buyer-level stream's RecordCompletedSpend.
// The spend is what the buyer finally paid for the order: the paid total minus what went back to
// them. A dispute settlement completes the order before escrow's refund is recorded here, so its
// refund is taken from the settling command itself.
import type { Actor, Money, OrderCompletedData } from '@bp/contracts';
import type { Policy } from '@bp/timers';
import type { RecordCompletedSpend } from '../domain/buyer-level';
import type { OrderCommand, OrderState } from '../domain/order';

const refundedSoFar = (cmd: OrderCommand, state: OrderState): number => {
  if (cmd.type === 'RecordDisputeSettled') return cmd.data.refund.amount;
  return state.status === 'initial' ? 0 : state.refunds.amount;
};

export const completedSpend = (
  completed: OrderCompletedData,
  cause: { command: OrderCommand; state: OrderState },
  policy: Policy,
  meta: { now: string; actor: Actor },
): RecordCompletedSpend => {
  const amount: Money = { amount: Math.max(0, completed.amount.amount - refundedSoFar(cause.command, cause.state)), currency: completed.amount.currency };
  const { thresholdsUsdCents, usdRates } = policy.buyerLevels;
  return {
    type: 'RecordCompletedSpend',
    data: { buyerId: completed.buyerId, orderId: completed.orderId, amount, policy: { thresholdsUsdCents, usdRates } },
    meta,
  };
};
