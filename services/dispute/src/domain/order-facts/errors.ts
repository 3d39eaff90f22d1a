/** Refusal codes of the order-facts aggregate (stable, public). */
export const OrderFactsErrors = {
  ORDER_UNKNOWN: 'ORDER_UNKNOWN',
  DISPUTE_ALREADY_OPEN: 'DISPUTE_ALREADY_OPEN',
  DISPUTE_LIMIT_REACHED: 'DISPUTE_LIMIT_REACHED',
  APPEAL_SUPERSEDED: 'APPEAL_SUPERSEDED',
} as const;
