import { escapeLiteral, type QueryResult } from 'pg';
import { idempotencyTable, type Queryable } from './migrate';

export interface StoredResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export type ClaimResult =
  /** This request runs; `replaces`: an expired or abandoned row is in the way, deleted when the request commits. */
  | { kind: 'owner'; replaces: boolean }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  | { kind: 'in_flight' }
  /** Its effects committed but its answer was never recorded (the process died, or it failed after committing). */
  | { kind: 'answer_lost' };

export interface Claim {
  principal: string;
  key: string;
  method: string;
  path: string;
  hash: string;
}

interface Row extends Record<string, unknown> {
  request_hash: string;
  status: 'in_flight' | 'committed' | 'completed';
  response_status: number | null;
  response_body: unknown;
  headers: Record<string, string> | null;
  stale: boolean;
  answer_lost: boolean;
}

/**
 * Idempotency records in Postgres, claimed inside the request's own transaction (see
 * RequestTransaction in @bp/eventstore): the claim is a transaction-scoped advisory lock on the
 * (principal, key), so a concurrent duplicate learns at once that the key is in flight without
 * waiting, and nothing is written until the request commits: its row, with the answer, is written
 * in the same commit as its effects. Every statement here is sent as text with the request's other
 * statements (BEGIN, COMMIT) in one round trip, so values are escaped literals, never parameters.
 * Expired rows are deleted lazily.
 */
export const createIdempotencyStore = (db: Queryable, schema: string, o: { ttlMs: number; inFlightTimeoutMs: number }) => {
  const t = idempotencyTable(schema);
  const where = (c: Pick<Claim, 'principal' | 'key'>) => `principal = ${escapeLiteral(c.principal)} AND key = ${escapeLiteral(c.key)}`;

  const leaseOver = `created_at < now() - make_interval(secs => ${Number(o.inFlightTimeoutMs)}::double precision / 1000)`;
  /**
   * A row no longer binding: expired, or 'in_flight' (written by a release before claims were
   * transactional) for so long that its owner must have died. A 'committed' one is never taken
   * over: running the request again would repeat effects that happened.
   */
  const stale = `(expires_at <= now() OR (status = 'in_flight' AND ${leaseOver}))`;

  /**
   * The claim, sent after BEGIN: the advisory lock (taken before the row is read, so a row its
   * previous holder committed is seen), then the key's row. The lock writes nothing: the
   * transaction gets no id until its first real write, as a command's own transaction would.
   */
  const claimStatements = (c: Claim): string =>
    `SELECT pg_try_advisory_xact_lock(hashtextextended(${escapeLiteral(`${schema}\n${c.principal}\n${c.key}`)}, 0)) AS locked; ` +
    `SELECT request_hash, status, response_status, response_body, headers, ${stale} AS stale, (answer_lost OR ${leaseOver}) AS answer_lost FROM ${t} WHERE ${where(c)}`;

  const claimResult = (c: Claim, [lock, lookup]: QueryResult[]): ClaimResult => {
    if (!(lock?.rows[0] as { locked?: boolean } | undefined)?.locked) return { kind: 'in_flight' };
    const row = lookup?.rows[0] as Row | undefined;
    if (!row || row.stale) return { kind: 'owner', replaces: row !== undefined };
    if (row.request_hash !== c.hash) return { kind: 'mismatch' };
    // Committed, unanswered: known lost once the owner answered 5xx, presumed lost after the lease.
    if (row.status === 'committed' && row.answer_lost) return { kind: 'answer_lost' };
    if (row.status !== 'completed' || row.response_status === null) return { kind: 'in_flight' };
    return { kind: 'replay', response: { status: row.response_status, body: row.response_body, headers: row.headers ?? {} } };
  };

  const insert = (c: Claim, replaces: boolean, columns: Record<string, string>): string =>
    `${replaces ? `DELETE FROM ${t} WHERE ${where(c)} AND ${stale}; ` : ''}` +
    `INSERT INTO ${t} (principal, key, method, path, request_hash, expires_at, ${Object.keys(columns).join(', ')}) VALUES (` +
    `${[c.principal, c.key, c.method, c.path, c.hash].map(escapeLiteral).join(', ')}, now() + make_interval(secs => ${Number(o.ttlMs)}::double precision / 1000), ` +
    `${Object.values(columns).join(', ')})`;

  const answerColumns = (r: StoredResponse) => ({
    status: `'completed'`,
    response_status: String(Math.trunc(r.status)),
    response_body: `${escapeLiteral(JSON.stringify(r.body ?? null))}::jsonb`,
    headers: `${escapeLiteral(JSON.stringify(r.headers))}::jsonb`,
  });

  /**
   * The key's row with its answer, sent with the request's COMMIT. A plain INSERT: should a row be
   * there after all, the statement fails and so does the commit, effects included.
   */
  const answeredStatement = (c: Claim, replaces: boolean, r: StoredResponse): string => insert(c, replaces, answerColumns(r));

  /**
   * The key's row as 'committed' (effects committed, answer to come), sent with an early COMMIT
   * (a request that calls out after it, see commitPending), or with the last one when the answer
   * cannot be stored (`answerLost`: a streamed body).
   */
  const committedStatement = (c: Claim, replaces: boolean, answerLost = false): string =>
    insert(c, replaces, { status: `'committed'`, answer_lost: String(answerLost) });

  /** The answer of a key committed early (its row exists): with the request's last COMMIT, or on its own. */
  const completeStatement = (c: Claim, r: StoredResponse): string => {
    const set = answerColumns(r);
    return `UPDATE ${t} SET ${Object.entries(set)
      .map(([k, v]) => `${k} = ${v}`)
      .join(', ')} WHERE ${where(c)}`;
  };

  const complete = async (c: Claim, r: StoredResponse): Promise<void> => {
    await db.query(completeStatement(c, r));
  };

  /** A key committed early whose request then failed (5xx): its answer is lost, a retry must not repeat it. */
  const answerLostStatement = (c: Pick<Claim, 'principal' | 'key'>): string => `UPDATE ${t} SET answer_lost = true WHERE ${where(c)} AND status = 'committed'`;

  const answerLost = async (c: Pick<Claim, 'principal' | 'key'>): Promise<void> => {
    await db.query(answerLostStatement(c));
  };

  /** Deletes a bounded batch of expired keys; called now and then, never on the hot path's result. */
  const sweep = async (limit = 500): Promise<number> => {
    const r = await db.query(`DELETE FROM ${t} WHERE (principal, key) IN (SELECT principal, key FROM ${t} WHERE expires_at <= now() LIMIT $1)`, [limit]);
    return r.rowCount ?? 0;
  };

  return { claimStatements, claimResult, answeredStatement, committedStatement, completeStatement, complete, answerLostStatement, answerLost, sweep };
};

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
