/**
 * Refusals a user can cause. `code` is stable and public (problem+json `code`); `kind` picks the
 * HTTP status in one place (libs/http), so the domain never speaks HTTP.
 */
export type DomainErrorKind =
  | 'validation' // 400: the request itself is wrong
  | 'forbidden' // 403: wrong role
  | 'not_found' // 404: no such resource, or not yours
  | 'conflict' // 409: the state does not allow it now
  | 'precondition' // 412: If-Match / expected version mismatch
  | 'unprocessable' // 422: well-formed but refused by a rule
  | 'too_large' // 413
  | 'unsupported_media' // 415
  | 'rate_limited'; // 429

export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: DomainErrorKind = 'conflict',
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
