/**
 * What the notification service knows about an order, learnt from orders.v1: who the parties are,
 * the currency and the payment deadline. Routing needs it because most events carry only the order
 * id (a failed payment names the payment deadline, N1, which PaymentFailed does not carry).
 */
export interface OrderFacts {
  orderId: string;
  buyerId: string;
  sellerId: string;
  currency: string;
  /** Absent in facts recorded before it was kept. */
  paymentDueAt?: string;
}

export const orderFactsFrom = (placed: {
  orderId: string;
  buyerId: string;
  sellerId: string;
  total: { currency: string };
  paymentDueAt?: string;
}): OrderFacts => ({
  orderId: placed.orderId,
  buyerId: placed.buyerId,
  sellerId: placed.sellerId,
  currency: placed.total.currency,
  ...(placed.paymentDueAt ? { paymentDueAt: placed.paymentDueAt } : {}),
});

/** The facts as this service's own event (conventions: facts learnt from a topic become own events). */
export type OrderFactsEvent = { type: 'OrderFactsRecorded'; data: OrderFacts };
export type OrderFactsCommand = { type: 'RecordOrderFacts'; data: OrderFacts };
export type OrderFactsState = OrderFacts | null;

/** First OrderPlaced wins; a redelivery or a replay of it changes nothing. */
export const orderFactsDecider = {
  initialState: null as OrderFactsState,
  evolve: (s: OrderFactsState, e: OrderFactsEvent): OrderFactsState => (e.type === 'OrderFactsRecorded' ? e.data : s),
  decide: (c: OrderFactsCommand, s: OrderFactsState): OrderFactsEvent[] => (s ? [] : [{ type: 'OrderFactsRecorded', data: c.data }]),
};
