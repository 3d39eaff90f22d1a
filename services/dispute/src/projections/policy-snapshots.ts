import { createHash } from 'node:crypto';
import type { PolicySnapshot } from '@bp/timers';
import type { PoolClient } from 'pg';
import type { DisputeState } from '../domain';
import { jsonbText } from './jsonb-text';

/**
 * The order's policy snapshot (O2, ~3 KB) is the policy version in force, the same for nearly every
 * dispute: kept once per content in its own table, keyed by the hash of its canonical text, and the
 * dispute row refers to it (`policy_hash`). Storing it in every row made a replay PostgreSQL-bound
 * (issue #18 item 6).
 */
export const POLICY_SNAPSHOTS_TABLE = 'dispute_policy_snapshots';

/** Where the state holds the snapshot: on the open dispute, or on the terms recorded before it opened. */
export const policyOf = (s: DisputeState): PolicySnapshot | undefined => (s.status === 'none' ? s.terms?.policy : s.policy);

/** sha256 of the jsonb text: migration 002 computes the same in SQL for the rows it converts. */
export const policyHash = (policy: PolicySnapshot): string => createHash('sha256').update(jsonbText(policy)).digest('hex');

/**
 * The state as the row stores it: the snapshot left out (JSON.stringify skips an undefined value;
 * overwriting a key keeps the copy's shape, where removing one would not).
 */
export const withoutPolicy = (s: DisputeState): unknown =>
  s.status === 'none' ? (s.terms ? { ...s, terms: { ...s.terms, policy: undefined } } : s) : { ...s, policy: undefined };

/** The stored state with its snapshot put back (`policy` null: a row that kept it inline). */
export const withPolicy = (stored: DisputeState, policy: PolicySnapshot | null): DisputeState => {
  if (!policy) return stored;
  if (stored.status === 'none') return stored.terms ? { ...stored, terms: { ...stored.terms, policy } } : stored;
  return { ...stored, policy };
};

/**
 * SQL for the full state of summary row `d` joined (LEFT JOIN ... ON p.hash = d.policy_hash) to its
 * snapshot `p`: the same jsonb the row held before the snapshot moved out, so readers answer the same.
 */
export const fullStateSql = (d: string, p: string): string =>
  `CASE WHEN ${p}.policy IS NULL THEN ${d}.state WHEN ${d}.state->>'status' = 'none' THEN jsonb_set(${d}.state, '{terms,policy}', ${p}.policy)
   ELSE ${d}.state || jsonb_build_object('policy', ${p}.policy) END`;

/** Content-addressed: a snapshot already stored is left as it is. */
export const writeSnapshots = async (tx: PoolClient, table: string, snapshots: Map<string, PolicySnapshot>): Promise<void> => {
  if (snapshots.size === 0) return;
  await tx.query(`INSERT INTO ${table} (hash, policy) SELECT key, value FROM jsonb_each($1::jsonb) ON CONFLICT (hash) DO NOTHING`, [
    JSON.stringify(Object.fromEntries(snapshots)),
  ]);
};
