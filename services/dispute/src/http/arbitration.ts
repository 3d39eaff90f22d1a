import { decodeCursor, encodeCursor, PageShape, type ServiceApp } from '@bp/http';
import type { Pool } from 'pg';
import { z } from 'zod';
import { queuePage } from '../projections';

const Bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const QueueQuery = z.object({
  expedited: Bool.optional(),
  status: z.enum(['in_arbitration', 'awaiting_ruling']).optional(),
  slaBreached: Bool.optional(),
  ...PageShape,
});
const QueueCursor = z.object({ expedited: z.boolean(), rulingDueAt: z.iso.datetime(), escalatedAt: z.iso.datetime(), disputeId: z.string() });

/** S1: agents' queue of escalated disputes, A4 first, then by ruling SLA. */
export const arbitrationRoutes = async (app: ServiceApp, d: { pool: Pool; schema: string }): Promise<void> => {
  app.get('/arbitration/queue', { config: { roles: ['agent'] }, schema: { querystring: QueueQuery, tags: ['arbitration'] } }, async (req) => {
    const { cursor, limit, expedited, status, slaBreached } = req.query;
    const after = cursor ? decodeCursor(cursor, QueueCursor) : undefined;
    const page = await queuePage(d.pool, d.schema, {
      limit,
      ...(expedited !== undefined ? { expedited } : {}),
      ...(status !== undefined ? { status } : {}),
      ...(slaBreached !== undefined ? { slaBreached } : {}),
      ...(after ? { after } : {}),
    });
    return { items: page.items, nextCursor: page.more && page.last ? encodeCursor({ ...page.last }) : null };
  });
};
