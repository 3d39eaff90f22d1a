import type { PoolClient } from 'pg';
import { idempotencyTable, type Queryable } from './migrate';

export interface StoredResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export type BeginResult =
  | { kind: 'owner' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  | { kind: 'in_flight' }
  /** Its effects committed but its answer was never recorded (the process died, or it failed after committing). */
  | { kind: 'answer_lost' };

export interface BeginInput {
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
}

/**
 * Idempotency records in Postgres. The primary key (principal, key) makes the first INSERT the
 * winner of any race; everyone else reads the winner's row. Expired rows are deleted lazily.
 */
export const createIdempotencyStore = (db: Queryable, schema: string, o: { ttlMs: number; inFlightTimeoutMs: number }) => {
  const t = idempotencyTable(schema);

  const leaseOver = `created_at < now() - make_interval(secs => $3::double precision / 1000)`;
  /**
   * A row no longer binding: expired, or in flight for so long that its owner must have died before
   * committing anything. A 'committed' one is never taken over: running the request again would
   * repeat effects that happened.
   */
  const stale = `(expires_at <= now() OR (status = 'in_flight' AND ${leaseOver}))`;

  const begin = async (i: BeginInput): Promise<BeginResult> => {
    // The common case (a fresh key) is the INSERT alone: one round trip. A conflict reads the
    // winner's row; an expired key is reusable and an in-flight one whose owner died long ago is
    // taken over, by deleting that row and trying again. A row can also vanish (expired, released
    // after a 5xx) between the INSERT and the SELECT: try again too.
    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await db.query(
        `INSERT INTO ${t} (principal, key, method, path, request_hash, status, expires_at)
         VALUES ($1, $2, $3, $4, $5, 'in_flight', now() + make_interval(secs => $6::double precision / 1000))
         ON CONFLICT (principal, key) DO NOTHING`,
        [i.principal, i.key, i.method, i.path, i.hash, o.ttlMs],
      );
      if (inserted.rowCount === 1) return { kind: 'owner' };
      const { rows } = await db.query<Row & { stale: boolean; answer_lost: boolean }>(
        `SELECT request_hash, status, response_status, response_body, headers, ${stale} AS stale, (answer_lost OR ${leaseOver}) AS answer_lost
           FROM ${t} WHERE principal = $1 AND key = $2`,
        [i.principal, i.key, o.inFlightTimeoutMs],
      );
      const row = rows[0];
      if (!row) continue;
      if (row.stale) {
        await db.query(`DELETE FROM ${t} WHERE principal = $1 AND key = $2 AND ${stale}`, [i.principal, i.key, o.inFlightTimeoutMs]);
        continue;
      }
      if (row.request_hash !== i.hash) return { kind: 'mismatch' };
      // Committed, unanswered: known lost once the owner answered 5xx, presumed lost after the lease.
      if (row.status === 'committed' && row.answer_lost) return { kind: 'answer_lost' };
      if (row.status !== 'completed' || row.response_status === null) return { kind: 'in_flight' };
      return { kind: 'replay', response: { status: row.response_status, body: row.response_body, headers: row.headers ?? {} } };
    }
    return { kind: 'in_flight' };
  };

  const complete = async (principal: string, key: string, r: StoredResponse): Promise<void> => {
    await db.query(
      `UPDATE ${t} SET status = 'completed', response_status = $3, response_body = $4::jsonb, headers = $5::jsonb
        WHERE principal = $1 AND key = $2`,
      [principal, key, r.status, JSON.stringify(r.body ?? null), JSON.stringify(r.headers)],
    );
  };

  /**
   * Inside the request's own transaction, right before it commits (see withCommitHook): from then on
   * the key is 'committed' exactly when the effects are. Only a transaction that wrote anything
   * marks it (pg_current_xact_id_if_assigned is evaluated before this UPDATE writes).
   */
  const markCommitted = async (tx: Queryable, principal: string, key: string): Promise<void> => {
    await tx.query(
      `UPDATE ${t} SET status = 'committed' WHERE principal = $1 AND key = $2 AND status = 'in_flight' AND pg_current_xact_id_if_assigned() IS NOT NULL`,
      [principal, key],
    );
  };

  /**
   * markCommitted as a statement for a commit hook to return: sent with the COMMIT as one text, so
   * marking the key costs no round trip of its own (issue 18 item 2). A simple-query text takes no
   * parameters: the principal and the client's key are escaped as literals by node-postgres.
   */
  const markCommittedStatement = (tx: Pick<PoolClient, 'escapeLiteral'>, principal: string, key: string): string =>
    `UPDATE ${t} SET status = 'committed' WHERE principal = ${tx.escapeLiteral(principal)} AND key = ${tx.escapeLiteral(key)} AND status = 'in_flight' AND pg_current_xact_id_if_assigned() IS NOT NULL`;

  /**
   * Forget a key whose request failed on our side (5xx) before committing anything, so the client
   * may retry with it. A 'committed' key stays: a retry must not repeat the effects.
   */
  const release = async (principal: string, key: string): Promise<void> => {
    await db.query(`DELETE FROM ${t} WHERE principal = $1 AND key = $2 AND status = 'in_flight'`, [principal, key]);
    await db.query(`UPDATE ${t} SET answer_lost = true WHERE principal = $1 AND key = $2 AND status = 'committed'`, [principal, key]);
  };

  /** Deletes a bounded batch of expired keys; called now and then, never on the hot path's result. */
  const sweep = async (limit = 500): Promise<number> => {
    const r = await db.query(
      `DELETE FROM ${t} WHERE (principal, key) IN (SELECT principal, key FROM ${t} WHERE expires_at <= now() LIMIT $1)`,
      [limit],
    );
    return r.rowCount ?? 0;
  };

  return { begin, complete, release, markCommitted, markCommittedStatement, sweep };
};

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
