import { BuyerLevelChanged } from '@bp/contracts';
import { on, type Handlers } from '@bp/messaging';
import type { DisputeHandlers } from '../app/handlers';
import { consumedMetadata } from './metadata';

/** buyers.v1 -> the buyer's level as this service knows it (R6 fast refund, D8 expedited arbitration). */
export const buyerHandlers = (handlers: DisputeHandlers): Handlers =>
  on(BuyerLevelChanged, async (tx, e) => {
    const { buyerId, level, changedAt } = e.data;
    await handlers.buyerLevel({ type: 'RecordBuyerLevel', data: { buyerId, level, changedAt }, meta: { now: e.time } }, { tx, metadata: consumedMetadata(e) });
  });
