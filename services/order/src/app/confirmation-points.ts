// O11 process step (pure): "confirming earns the buyer points" [000]. Only a completion by the
// buyer's own confirmation (reason CONFIRMED) earns them, never auto-confirm (O7) or a dispute
// settlement; the figure is the live policy's buyerLevels.confirmationPoints (DOMAIN.md names none).
import type { Actor, OrderCompletedData } from '@bp/contracts';
import type { Policy } from '@bp/timers';
import type { AwardConfirmationPoints } from '../domain/buyer-level';

export const confirmationPoints = (completed: OrderCompletedData, policy: Policy, meta: { now: string; actor: Actor }): AwardConfirmationPoints | null =>
  completed.reason === 'CONFIRMED'
    ? { type: 'AwardConfirmationPoints', data: { buyerId: completed.buyerId, orderId: completed.orderId, points: policy.buyerLevels.confirmationPoints }, meta }
    : null;
