import { DomainError, type DomainErrorKind } from '@bp/contracts';

/** Every refusal of the Escrow aggregate: stable public codes (problem+json `code`). */
export const EscrowErrors = {
  /** No OrderPlaced seen yet for this order: retryable (consumer retries/parks, webhook answers non-2xx). */
  ESCROW_ORDER_UNKNOWN: 'not_found',
  INVALID_ORDER: 'validation',
  INVALID_AMOUNT: 'validation',
  CURRENCY_MISMATCH: 'unprocessable',
  ORDER_ALREADY_PAID: 'conflict',
  ORDER_NOT_PAYABLE: 'conflict',
  PAYMENT_IN_PROGRESS: 'conflict',
  PAYMENT_UNKNOWN: 'not_found',
  NOTHING_CAPTURED: 'conflict',
  /** OrderCompleted(DISPUTE_SETTLED) arrived before the DisputeSettled it follows: retryable. */
  DISPUTE_SETTLEMENT_PENDING: 'conflict',
  /** Another dispute of the order still has an outstanding fast refund (D1: one dispute at a time). */
  OTHER_DISPUTE_PENDING: 'conflict',
  ESCROW_CLOSED: 'conflict',
  FAST_REFUND_EXCEEDS_HELD: 'unprocessable',
  REFUND_EXCEEDS_CAPTURE: 'unprocessable',
  DISPUTE_NOT_SETTLED: 'conflict',
  REFUND_UNKNOWN: 'not_found',
} as const satisfies Record<string, DomainErrorKind>;

export type EscrowErrorCode = keyof typeof EscrowErrors;

export const refuse = (code: EscrowErrorCode, message: string, details?: Record<string, unknown>): never => {
  throw new DomainError(code, message, EscrowErrors[code], details);
};
