import { decodeCursor, encodeCursor, operation, PageShape, type FastifyPluginAsyncZod } from '@bp/http';
import type { Pool } from 'pg';
import { z } from 'zod';
import { appealQueuePage, queuePage } from '../projections';
import { AppealQueuePage, QueuePage } from './schemas';

const Bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const QueueQuery = z.object({
  expedited: Bool.optional(),
  status: z.enum(['in_arbitration', 'awaiting_ruling']).optional(),
  slaBreached: Bool.optional(),
  ...PageShape,
});
const AppealQueueQuery = z.object({ expedited: Bool.optional(), slaBreached: Bool.optional(), ...PageShape });
const AppealCursor = z.object({
  disputeId: z.string(),
  orderId: z.string(),
  expedited: z.boolean(),
  filedAt: z.iso.datetime(),
  filedBy: z.enum(['buyer', 'agent']),
  decideBy: z.iso.datetime(),
  slaBreached: z.boolean(),
});
const QueueCursor = z.object({ expedited: z.boolean(), rulingDueAt: z.iso.datetime(), escalatedAt: z.iso.datetime(), disputeId: z.string() });

/** S1: agents' queue of escalated disputes, A4 first, then by ruling SLA. */
export const arbitrationRoutes =
  (d: { pool: Pool; schema: string }): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/arbitration/queue',
      {
        config: { roles: ['agent'] },
        schema: {
          querystring: QueueQuery,
          ...operation({
            operationId: 'getArbitrationQueue',
            tags: ['arbitration'],
            summary: 'Escalated disputes, A4 first, then by ruling SLA (S1)',
            ok: { 200: QueuePage },
          }),
        },
      },
      async (req) => {
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
      },
    );

    // S1: appeals have their own queue and decision SLA (returns.appealDecisionSla), A4 first.
    app.get(
      '/appeals/queue',
      {
        config: { roles: ['agent'] },
        schema: {
          querystring: AppealQueueQuery,
          ...operation({
            operationId: 'getAppealQueue',
            tags: ['arbitration'],
            summary: 'Appeals awaiting a decision, A4 first (S1)',
            ok: { 200: AppealQueuePage },
          }),
        },
      },
      async (req) => {
        const { cursor, limit, expedited, slaBreached } = req.query;
        const after = cursor ? decodeCursor(cursor, AppealCursor) : undefined;
        const page = await appealQueuePage(d.pool, d.schema, {
          limit,
          ...(expedited !== undefined ? { expedited } : {}),
          ...(slaBreached !== undefined ? { slaBreached } : {}),
          ...(after ? { after } : {}),
        });
        const last = page.items[page.items.length - 1];
        return { items: page.items, nextCursor: page.more && last ? encodeCursor({ ...last }) : null };
      },
    );
  };
