import type { Pool, PoolClient } from 'pg';
import { PolicySnapshotSchema } from '@bp/timers';
import { appealQueueItemOf, compareAppealItems, type AppealQueueItem, type DisputeState } from '../domain';
import { DISPUTES_TABLE } from './disputes';
import { fullStateSql, POLICY_SNAPSHOTS_TABLE } from './policy-snapshots';
import { table } from './sql';

export interface AppealQueueQuery {
  expedited?: boolean;
  slaBreached?: boolean;
  limit: number;
  /** The last item of the previous page (keyset: the order of compareAppealItems). */
  after?: AppealQueueItem;
}

/**
 * S1: the appeal queue, in the order of the domain's `compareAppealItems` (A4 first, then the nearest
 * decision SLA). Appeals in progress are few (one per arbitrated dispute, decided within days), so the
 * page is ordered in memory from the summaries' folded state rather than from dedicated columns.
 * The snapshot is re-read through its schema so rows folded before S1 get the policy defaults.
 */
export const appealQueuePage = async (db: Pool | PoolClient, schema: string, q: AppealQueueQuery): Promise<{ items: AppealQueueItem[]; more: boolean }> => {
  const { rows } = await db.query<{ state: DisputeState }>(
    `SELECT ${fullStateSql('d', 'p')} AS state FROM ${table(schema, DISPUTES_TABLE)} d
     LEFT JOIN ${table(schema, POLICY_SNAPSHOTS_TABLE)} p ON p.hash = d.policy_hash WHERE status = 'appealed'`,
  );
  const all = rows
    .map((r) => (r.state.status === 'none' ? r.state : { ...r.state, policy: PolicySnapshotSchema.parse(r.state.policy) }))
    .map(appealQueueItemOf)
    .filter((i): i is AppealQueueItem => i !== null)
    .filter((i) => (q.expedited === undefined || i.expedited === q.expedited) && (q.slaBreached === undefined || i.slaBreached === q.slaBreached))
    .sort(compareAppealItems);
  const rest = q.after ? all.filter((i) => compareAppealItems(i, q.after!) > 0) : all;
  return { items: rest.slice(0, q.limit), more: rest.length > q.limit };
};
