import { DomainError, type DomainErrorKind } from '@bp/contracts';

/** Every refusal of the Dispute aggregate: stable, public problem+json codes, with their kind. */
export const DisputeErrors = {
  // D1: opening
  NOT_ORDER_BUYER: 'not_found',
  ORDER_NOT_FOUND: 'not_found',
  ORDER_NOT_SHIPPED: 'conflict',
  ORDER_ALREADY_CONFIRMED: 'conflict',
  ORDER_CLOSED: 'conflict',
  DISPUTE_ALREADY_OPEN: 'conflict',
  DISPUTE_ALREADY_SETTLED: 'conflict',
  PROTECTION_EXPIRED: 'conflict',
  DISPUTE_TOO_EARLY: 'conflict',
  DISPUTE_ID_TAKEN: 'conflict',
  // D12: withdraw-and-reopen is bounded
  DISPUTE_LIMIT_REACHED: 'conflict',
  // D2: the form and amounts
  REFUND_ABOVE_PAID: 'unprocessable',
  REFUND_NOT_POSITIVE: 'unprocessable',
  CURRENCY_MISMATCH: 'unprocessable',
  EVIDENCE_IMAGE_REQUIRED: 'unprocessable',
  RETURN_REQUIRED_FOR_FULL_REFUND: 'unprocessable',
  RETURN_WITHOUT_GOODS: 'unprocessable',
  // D13: the reason must fit "goods received"
  REASON_CONTRADICTS_GOODS_RECEIVED: 'unprocessable',
  // O8: a dispute demanding the extension the seller declined
  EXTENSION_NOT_DECLINED: 'conflict',
  EXTENSION_DAYS_OUT_OF_RANGE: 'unprocessable',
  // D3: evidence limits (see evidence/limits.ts)
  EVIDENCE_TYPE_NOT_ALLOWED: 'unsupported_media',
  EVIDENCE_TOO_LARGE: 'too_large',
  EVIDENCE_TOO_MANY_IMAGES: 'unprocessable',
  // D3: structure of the upload (see evidence/structure.ts): truncated or inconsistent; pixel bomb
  EVIDENCE_CORRUPT: 'unprocessable',
  EVIDENCE_IMAGE_TOO_LARGE: 'unprocessable',
  EMPTY_SUBMISSION: 'validation',
  // lifecycle guards (process.ts)
  DISPUTE_NOT_FOUND: 'not_found',
  ROLE_NOT_ALLOWED: 'forbidden',
  ACTION_NOT_ALLOWED: 'conflict',
  ESCALATION_TOO_EARLY: 'conflict',
  // D8: the agent rules only after the evidence window
  EVIDENCE_WINDOW_OPEN: 'conflict',
  // R6, D7: a fast-refunded dispute must reach an outcome
  WITHDRAW_AFTER_FAST_REFUND: 'conflict',
  OUTCOME_AFTER_FAST_REFUND: 'conflict',
  // D8: arbitration
  PROPOSAL_NOT_FOUND: 'unprocessable',
  RETURN_ALREADY_SHIPPED: 'conflict',
  // R7, R8: appeal
  APPEAL_ALREADY_FILED: 'conflict',
  APPEAL_WINDOW_CLOSED: 'conflict',
  NOT_ARBITRATED: 'conflict',
  APPEAL_NOT_ALLOWED_RETURN_MISSED: 'conflict',
  // R7, D12: a later dispute on the order supersedes the appeal of an earlier one (order-facts)
  APPEAL_SUPERSEDED: 'conflict',
  OVERTURN_REFUND_REQUIRED: 'validation',
} as const satisfies Record<string, DomainErrorKind>;

export type DisputeErrorCode = keyof typeof DisputeErrors;

export const refuse = (code: DisputeErrorCode, message: string, details?: Record<string, unknown>): never => {
  throw new DomainError(code, message, DisputeErrors[code], details);
};
