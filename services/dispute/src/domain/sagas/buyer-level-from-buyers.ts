// buyers.v1 -> the buyer's level as the dispute service knows it (R6 fast refund, D8 expedited
// arbitration). Pure, shared by the Kafka consumer and the simulation; recorded at the event's own time.
import { consumedMeta, type BuyerLevelChangedData, type ConsumedEvent } from '@bp/contracts';
import type { BuyerLevelCommand } from '../order-facts';

export const buyerLevelFromBuyers = {
  BuyerLevelChanged: (e: ConsumedEvent<BuyerLevelChangedData>): BuyerLevelCommand | null => {
    const { buyerId, level, changedAt } = e.data;
    return { type: 'RecordBuyerLevel', data: { buyerId, level, changedAt }, meta: { now: consumedMeta(e).now } };
  },
} as const;
