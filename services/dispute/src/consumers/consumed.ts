import type { Handlers } from '@bp/messaging';
import { sagaHandlers } from '@bp/runtime';
import type { DisputeHandlers } from '../app/handlers';
import { buyerLevelFromBuyers } from '../domain/sagas/buyer-level-from-buyers';
import { orderFactsFromOrders } from '../domain/sagas/order-facts-from-orders';

/** orders.v1 -> order facts and buyers.v1 -> buyer levels: the mappings are domain/sagas; this binds them to Kafka. */
export const consumedHandlers = (handlers: DisputeHandlers): Handlers => ({
  ...sagaHandlers(orderFactsFromOrders, (tx, command, metadata) => handlers.orderFacts(command, { tx, metadata })),
  ...sagaHandlers(buyerLevelFromBuyers, (tx, command, metadata) => handlers.buyerLevel(command, { tx, metadata })),
});
