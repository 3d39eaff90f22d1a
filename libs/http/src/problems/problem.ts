import type { DomainErrorKind } from '@bp/contracts';

/** RFC 9457 body. `code` is the stable, public identifier clients branch on. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: ProblemFieldError[];
}

export interface ProblemFieldError {
  /** Where: body, querystring, params, headers. */
  in?: string;
  /** JSON pointer inside that part, e.g. `/items/0/sku` ('' = the part itself). */
  path: string;
  message: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = 'https://errors.buyer-protection.dev/';

/** `ORDER_NOT_SHIPPED` -> `https://errors.buyer-protection.dev/order-not-shipped`. */
export const problemType = (code: string): string =>
  PROBLEM_TYPE_BASE +
  code
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** The one place a domain refusal becomes an HTTP status (the domain never speaks HTTP). */
export const STATUS_BY_KIND: Readonly<Record<DomainErrorKind, number>> = {
  validation: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition: 412,
  unprocessable: 422,
  too_large: 413,
  unsupported_media: 415,
  rate_limited: 429,
};

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export const statusTitle = (status: number): string => TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');

export const problemBody = (code: string, status: number, detail: string, extra: { instance?: string; errors?: ProblemFieldError[] } = {}): Problem => ({
  type: problemType(code),
  title: statusTitle(status),
  status,
  detail,
  code,
  ...(extra.instance !== undefined ? { instance: extra.instance } : {}),
  ...(extra.errors !== undefined ? { errors: extra.errors } : {}),
});

/**
 * A throwable HTTP refusal decided by the HTTP layer itself (auth, idempotency, cursors). Domain
 * refusals stay `DomainError`s; both end up in the same problem+json shape.
 */
export class ProblemError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    detail: string,
    readonly errors?: ProblemFieldError[],
    /** Extra response headers (e.g. WWW-Authenticate, Retry-After). */
    readonly headers?: Record<string, string>,
  ) {
    super(detail);
    this.name = 'ProblemError';
  }
}

export const isProblemError = (e: unknown): e is ProblemError => e instanceof ProblemError;

/** `throw problem('INVALID_CURSOR', 400, 'the cursor is not one we issued')`. */
export const problem = (
  code: string,
  status: number,
  detail: string,
  opts: { errors?: ProblemFieldError[]; headers?: Record<string, string> } = {},
): ProblemError => new ProblemError(code, status, detail, opts.errors, opts.headers);
