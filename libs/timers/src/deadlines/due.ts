import { deadlineTable } from './schema';
import type { Queryable } from './types';

/**
 * How many deadlines are due at `now` and not fired yet (parked ones excluded): what another loop
 * (a background scheduler) may be holding right now. The settle loop reads it to know it is at rest.
 */
export const countDueDeadlines = async (db: Queryable, schema: string, now: Date): Promise<number> => {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${deadlineTable(schema)} WHERE next_at IS NOT NULL AND next_at <= $1`, [now]);
  return rows[0]!.n;
};
