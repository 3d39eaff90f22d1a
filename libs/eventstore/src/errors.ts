/**
 * The stream moved on since the caller read it. Retryable from a fresh read, or reported as
 * 409/412. `actual` is undefined when a concurrent writer won the race inside Postgres (the unique
 * (stream_id, stream_version) fired): the transaction is aborted then, so it cannot be asked.
 */
export class VersionConflictError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: number,
    readonly actual: number | undefined,
  ) {
    super(`version conflict on ${streamId}: expected ${expected}, actual ${actual ?? `> ${expected}`}`);
    this.name = 'VersionConflictError';
  }
}

/**
 * The caller's transaction got its id before another transaction that has since appended to the
 * same stream. Appending now would put this event BEFORE that one in read-all order (ordered by
 * transaction id, for gap safety) although it comes after it in the stream: consumers would see the
 * stream out of order. Only a new transaction (a new, later id) can append; retrying inside the same
 * one cannot help. Happens to work that writes before it appends (a consumer's inbox row, a
 * scheduler's claim) racing a command on the same stream.
 */
export class StaleTransactionError extends VersionConflictError {
  constructor(streamId: string, expected: number) {
    super(streamId, expected, expected);
    this.message = `transaction on ${streamId} is older than the stream's last append: retry in a new transaction`;
    this.name = 'StaleTransactionError';
  }
}

export const isVersionConflict = (e: unknown): e is VersionConflictError => e instanceof VersionConflictError;

/** Postgres unique_violation. */
export const isUniqueViolation = (e: unknown, constraint?: string): boolean =>
  typeof e === 'object' &&
  e !== null &&
  (e as { code?: unknown }).code === '23505' &&
  (constraint === undefined || (e as { constraint?: unknown }).constraint === constraint);

/** Postgres in_failed_sql_transaction (25P02): a statement sent after an earlier one of its transaction failed. */
export const isAbortedTransaction = (e: unknown): boolean => typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '25P02';

/** Postgres deadlock_detected or serialization_failure: the transaction was chosen to fail; rerun it. */
export const isDeadlock = (e: unknown): boolean => typeof e === 'object' && e !== null && ['40P01', '40001'].includes(String((e as { code?: unknown }).code));
