// The message center (N4): GET /inbox, GET /inbox/unread-count, POST /inbox/{id}/read. Own notices
// only (agents share the agents' inbox); another user's notice is a 404 (the notice decider refuses it).
import { decodeCursor, encodeCursor, operation, Page, pageOf } from '@bp/http';
import { callerOf, requestMeta } from '@bp/runtime';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { mailboxOf } from '../domain/notices/kinds';
import { renderNotice } from '../domain/templates/render';
import { listInbox, unreadCount } from '../projections/inbox';
import { ANY_USER, type RouteDeps } from './context';

const InboxItem = z.object({
  id: z.string(),
  kind: z.string(),
  orderId: z.string(),
  subject: z.string(),
  text: z.string(),
  deadline: z.string().nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
const Cursor = z.object({ c: z.string(), id: z.string() });

export const inboxRoutes =
  ({ ctx, h }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/inbox',
      {
        config: { roles: [...ANY_USER] },
        schema: {
          querystring: Page,
          ...operation({ operationId: 'listInbox', tags: ['inbox'], summary: 'Own message center, newest first (N4)', ok: { 200: pageOf(InboxItem) } }),
        },
      },
      async (req) => {
        const me = mailboxOf(callerOf(req));
        const after = req.query.cursor ? decodeCursor(req.query.cursor, Cursor) : undefined;
        const rows = await listInbox(ctx.pool, ctx.schema, me, req.query.limit + 1, after && { createdAt: after.c, noticeId: after.id });
        const page = rows.slice(0, req.query.limit);
        const { state: recipient } = await h.loadRecipient(me);
        const items = page.map((r) => {
          const rendered = renderNotice(
            { kind: r.kind, recipientId: me, orderId: r.orderId, vars: r.vars, ...(r.deadline ? { deadline: r.deadline } : {}) },
            recipient.locale,
          );
          return {
            id: r.noticeId,
            kind: r.kind,
            orderId: r.orderId,
            subject: rendered.subject,
            text: rendered.text,
            deadline: r.deadline,
            createdAt: r.createdAt,
            readAt: r.readAt,
          };
        });
        const last = page[page.length - 1];
        return { items, nextCursor: rows.length > req.query.limit && last ? encodeCursor({ c: last.createdAt, id: last.noticeId }) : null };
      },
    );

    app.get(
      '/inbox/unread-count',
      {
        config: { roles: [...ANY_USER] },
        schema: operation({
          operationId: 'getUnreadCount',
          tags: ['inbox'],
          summary: 'How many notices are unread (N4)',
          ok: { 200: z.object({ unread: z.number().int() }) },
        }),
      },
      async (req) => ({
        unread: await unreadCount(ctx.pool, ctx.schema, mailboxOf(callerOf(req))),
      }),
    );

    app.post(
      '/inbox/:id/read',
      {
        config: { roles: [...ANY_USER] },
        schema: {
          params: z.object({ id: z.string().min(1).max(200) }),
          ...operation({
            operationId: 'markNoticeRead',
            tags: ['inbox'],
            summary: 'Mark an own notice read (N4)',
            ok: { 200: z.object({ id: z.string(), readAt: z.string() }) },
            refusals: { 404: ['NOTICE_NOT_FOUND'] },
          }),
        },
      },
      async (req) => {
        const { meta, metadata } = requestMeta(req, ctx);
        const result = await h.notices({ type: 'MarkRead', data: { noticeId: req.params.id }, meta }, { metadata });
        // The decider refused anyone but the recipient, so state is the caller's own read notice.
        const readAt = result.state.status === 'requested' ? result.state.readAt : null;
        return { id: req.params.id, readAt: readAt ?? meta.now };
      },
    );
  };
