import { isDomainError } from '@bp/contracts';
import { isProblemError, problemBody, STATUS_BY_KIND, type Problem, type ProblemFieldError } from './problem';

/** What the error handler sends, and how loudly the failure deserves to be logged. */
export interface MappedError {
  problem: Problem;
  headers: Record<string, string>;
  /** server: our fault, logged with the error; passing: a 5xx given on purpose (retry later), a warn; client: the caller's, logged briefly. */
  severity: 'client' | 'passing' | 'server';
}

interface ValidationItem {
  keyword?: string;
  instancePath?: string;
  message?: string;
  params?: { keys?: unknown };
}

// The zod provider writes the root as '/', JSON pointer says ''.
const pointer = (p: string | undefined): string => (p === undefined || p === '/' ? '' : p);

/** Framework errors whose message is written for clients, with the code we publish for them. */
const FRAMEWORK_CODES: Readonly<Record<string, string>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'MALFORMED_BODY',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_BODY',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_BODY',
};

const GENERIC_CODES: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

export const INTERNAL_DETAIL = 'An unexpected error occurred. Quote the x-request-id response header when reporting it.';

const field = (e: unknown, key: string): unknown => (typeof e === 'object' && e !== null ? (e as Record<string, unknown>)[key] : undefined);

/** Socket errors of a database connection that could not be made or was lost. */
const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** node-postgres' own words for a connection that died under a query or could not be checked out. */
const CONNECTION_MESSAGES = /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect)/;

/**
 * The database is unreachable right now, not wrong: refused or reset connections, Postgres
 * restarting or recovering after a crash (57P01 admin_shutdown, 57P02 crash_shutdown, 57P03
 * cannot_connect_now), the connection-exception class 08. Nothing the request asked for is at
 * fault and a retry after a moment may succeed, so this is a 503 with Retry-After, which clients
 * resend with the same Idempotency-Key (a 5xx releases the key), not a 500.
 */
export const isDatabaseUnavailable = (err: unknown): boolean => {
  const code = field(err, 'code');
  if (typeof code === 'string' && (CONNECTION_ERRNOS.has(code) || code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03'))
    return true;
  const message = field(err, 'message');
  if (typeof message === 'string' && CONNECTION_MESSAGES.test(message)) return true;
  const cause = field(err, 'cause');
  return cause !== undefined && cause !== err && isDatabaseUnavailable(cause);
};

const validationErrors = (context: unknown, items: ValidationItem[]): ProblemFieldError[] =>
  items.flatMap((i) => {
    const where = typeof context === 'string' ? { in: context } : {};
    // Unknown fields (z.strictObject) point at each offending field, which is what a client fixes.
    if (i.keyword === 'unrecognized_keys' && Array.isArray(i.params?.keys)) {
      return i.params.keys.map((k) => ({ ...where, path: `${pointer(i.instancePath)}/${String(k)}`, message: 'unknown field' }));
    }
    return [{ ...where, path: pointer(i.instancePath), message: i.message ?? 'invalid' }];
  });

export const mapError = (err: unknown, instance: string): MappedError => {
  const extra = { instance };
  if (isProblemError(err)) {
    return {
      problem: problemBody(err.code, err.statusCode, err.message, { ...extra, ...(err.errors ? { errors: err.errors } : {}) }),
      headers: err.headers ?? {},
      // A 5xx thrown on purpose (a wait that ends while the consumer catches up) is an expected,
      // passing state, not a fault: logged at warn, without a stack.
      severity: err.statusCode >= 500 ? 'passing' : 'client',
    };
  }
  if (isDomainError(err)) {
    return { problem: problemBody(err.code, STATUS_BY_KIND[err.kind], err.message, extra), headers: {}, severity: 'client' };
  }
  // The event store's optimistic-concurrency errors (matched by name: @bp/http does not depend on
  // the store), and Postgres deadlocks or serialization failures between a request and a timer.
  // Retries are exhausted by now: another writer keeps winning, the client may retry.
  const name = field(err, 'name');
  const sqlState = field(err, 'code');
  if (name === 'VersionConflictError' || name === 'StaleTransactionError' || sqlState === '40P01' || sqlState === '40001') {
    return {
      problem: problemBody('CONCURRENT_UPDATE', 409, 'the resource changed while the request ran; retry it', extra),
      headers: { 'retry-after': '1' },
      severity: 'client',
    };
  }
  // Text Postgres cannot store (a NUL byte, a broken escape) is the caller's input, not our fault.
  if (sqlState === '22021' || sqlState === '22P05') {
    return {
      problem: problemBody('INVALID_TEXT', 400, 'the request contains characters that cannot be stored (e.g. a NUL byte)', extra),
      headers: {},
      severity: 'client',
    };
  }
  const validation = field(err, 'validation');
  if (Array.isArray(validation)) {
    const errors = validationErrors(field(err, 'validationContext'), validation as ValidationItem[]);
    const first = errors[0];
    const detail = first ? `${first.in ?? 'request'}${first.path}: ${first.message}` : 'the request is invalid';
    return { problem: problemBody('VALIDATION_FAILED', 400, detail, { ...extra, errors }), headers: {}, severity: 'client' };
  }
  const status = field(err, 'statusCode');
  const code = field(err, 'code');
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const known = typeof code === 'string' ? FRAMEWORK_CODES[code] : undefined;
    // Only framework (FST_*) messages are written for clients; anything else might carry internals.
    const safeMessage = typeof code === 'string' && code.startsWith('FST_') && err instanceof Error ? err.message : undefined;
    return {
      problem: problemBody(known ?? GENERIC_CODES[status] ?? 'BAD_REQUEST', status, safeMessage ?? 'the request was refused', extra),
      headers: {},
      severity: 'client',
    };
  }
  if (isDatabaseUnavailable(err)) {
    return {
      problem: problemBody('SERVICE_UNAVAILABLE', 503, 'the service cannot reach its database right now; retry shortly', extra),
      headers: { 'retry-after': '1' },
      severity: 'server',
    };
  }
  return { problem: problemBody('INTERNAL_ERROR', 500, INTERNAL_DETAIL, extra), headers: {}, severity: 'server' };
};
