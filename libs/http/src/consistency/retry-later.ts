import type { DomainError } from '@bp/contracts';
import { problem, STATUS_BY_KIND, type ProblemError } from '../problems/problem';

/**
 * S3: a refusal that only means "not known here yet" (a fact still on its way from another service),
 * answered with its own code and status plus Retry-After: the client may try again, and the
 * Idempotency-Key layer does not keep it as the key's answer (isFinalAnswer).
 */
export const retryLater = (e: DomainError, seconds = 1): ProblemError =>
  problem(e.code, STATUS_BY_KIND[e.kind], e.message, { headers: { 'retry-after': String(seconds) } });
