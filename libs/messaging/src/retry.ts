import { isDomainError } from '@bp/contracts';

/** In-process retries of one message before it is dead-lettered. Always bounded: no retry forever. */
export interface RetryPolicy {
  /** Tries in total, the first included (≥ 1). */
  attempts: number;
  /** Wait after the first failure; doubles after each further failure. */
  backoffMs: number;
  /** Cap of a single wait (default 5 s), so a session never outlives its heartbeat budget. */
  maxBackoffMs?: number;
}

export const DEFAULT_RETRY: Required<RetryPolicy> = { attempts: 5, backoffMs: 100, maxBackoffMs: 5000 };

export const resolveRetryPolicy = (p: Partial<RetryPolicy> | undefined): Required<RetryPolicy> => {
  const r = { ...DEFAULT_RETRY, ...p };
  if (!Number.isInteger(r.attempts) || r.attempts < 1) throw new Error(`retry.attempts must be an integer ≥ 1, got ${r.attempts}`);
  if (r.backoffMs < 0 || r.maxBackoffMs < 0) throw new Error('retry backoff must be ≥ 0');
  return r;
};

/** Wait after the `failures`-th failure (1-based): backoffMs · 2^(failures-1), capped. */
export const backoffDelay = (policy: Required<RetryPolicy>, failures: number): number =>
  Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** Math.max(0, failures - 1));

/** Thrown by a handler that knows retrying cannot help: the message is dead-lettered at once. */
export class PermanentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

/**
 * Deterministic failures are not retried: a PermanentError, or a DomainError refusal (the decider
 * will refuse the same command again). Everything else (connection loss, serialization failure,
 * version conflict, a broker hiccup) may pass on the next try.
 */
export const isRetryable = (e: unknown): boolean => !(e instanceof PermanentError) && !isDomainError(e);
