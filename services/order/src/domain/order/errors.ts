import { DomainError, type DomainErrorKind } from '@bp/contracts';

/**
 * Every refusal of the order aggregate. Codes are stable and public (problem+json `code`, API.md);
 * the kind picks the HTTP status in libs/http. Unknown or foreign orders share ORDER_NOT_FOUND so a
 * caller who is not a party cannot learn that an order exists (API.md: 404).
 */
export const OrderErrors = {
  ORDER_NOT_FOUND: 'not_found',
  ORDER_ALREADY_EXISTS: 'conflict',
  ROLE_NOT_ALLOWED: 'forbidden',
  // O2: placing
  EMPTY_ORDER: 'validation',
  TOO_MANY_ITEMS: 'validation',
  CURRENCY_MISMATCH: 'validation',
  PROTECTION_DAYS_OUT_OF_RANGE: 'validation',
  HANDLING_DAYS_OUT_OF_RANGE: 'validation',
  // lifecycle position (derived from the transition table)
  ORDER_NOT_PAID: 'conflict',
  ORDER_NOT_SHIPPED: 'conflict',
  ORDER_ALREADY_SHIPPED: 'conflict',
  ORDER_NOT_COMPLETED: 'conflict',
  ORDER_COMPLETED: 'conflict',
  ORDER_CLOSED: 'conflict',
  // O6, O9: protection and disputes
  PROTECTION_EXPIRED: 'conflict',
  DISPUTE_OPEN: 'conflict',
  DISPUTE_ALREADY_OPEN: 'conflict',
  // O8: extensions
  EXTENSION_DAYS_OUT_OF_RANGE: 'validation',
  EXTENSION_PENDING: 'conflict',
  EXTENSION_LIMIT_REACHED: 'unprocessable',
  EXTENSION_NOT_FOUND: 'not_found',
  EXTENSION_NOT_PENDING: 'conflict',
  // O11: reviews
  REVIEW_WINDOW_CLOSED: 'conflict',
  REVIEW_ALREADY_POSTED: 'conflict',
  REVIEW_NOT_FOUND: 'not_found',
  REVIEW_ALREADY_REPLIED: 'conflict',
  BUYER_ALREADY_RATED: 'conflict',
  BUYER_RATING_WINDOW_CLOSED: 'conflict',
} as const satisfies Record<string, DomainErrorKind>;

export type OrderErrorCode = keyof typeof OrderErrors;

export const orderError = (code: OrderErrorCode, message: string, details?: Record<string, unknown>): DomainError =>
  new DomainError(code, message, OrderErrors[code], details);

/** Throws the refusal when `code` is set (guards return a code or null). */
export const refuseIf = (code: OrderErrorCode | null, message?: string): void => {
  if (code) throw orderError(code, message ?? code.toLowerCase().replace(/_/g, ' '));
};
