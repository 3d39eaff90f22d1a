import type { OrderFactsCommand } from '../order-facts/decide';
import type { DisputeEvent } from './events';

/**
 * Pure event -> commands (a saga): when a dispute ends, the order's "one open dispute" slot (D1) is
 * released, so a new dispute may be opened while protection lasts (D7, D9).
 */
export const orderFactsCommandsFor = (event: DisputeEvent, now: string): OrderFactsCommand[] => {
  switch (event.type) {
    case 'DisputeWithdrawn':
    case 'DisputeSettled':
    case 'ResendShipped':
      return [{ type: 'ReleaseDispute', data: { orderId: event.data.orderId, disputeId: event.data.disputeId }, meta: { now } }];
    default:
      return [];
  }
};
