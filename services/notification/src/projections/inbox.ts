// Named message_center: the schema's `inbox` table is the consumer's dedupe inbox (libs/eventstore).
// The message center (N4): one row per in-app notice, per recipient, fed inline by the notice
// command's transaction and rebuildable from the log. Text is rendered when read, in the reader's
// current locale, so a locale change applies to old notices too.
import type { EventEnvelope } from '@bp/contracts';
import { jsonRows, keyedBatch, type Projection } from '@bp/eventstore';
import type { Pool, PoolClient } from 'pg';
import type { NoticeKind, TemplateValue } from '../domain/notices/kinds';
import type { NoticeEvent } from '../domain/notices/notice';
import { migrateNotificationTables } from '../migrations';

const table = (schema: string) => `"${schema}".message_center`;

type Requested = Extract<NoticeEvent, { type: 'NoticeRequested' }>['data'];

export const inboxProjection = (schema: string): Projection => ({
  name: 'message_center',
  handles: ['NoticeRequested', 'NoticeRead'],
  // The tables are the service's versioned migrations (../migrations), run whole.
  migrate: (db) => migrateNotificationTables(db, schema),
  apply: async (tx: PoolClient, e: EventEnvelope) => {
    if (e.type === 'NoticeRequested') {
      const d = e.data as Requested;
      if (!d.channels.includes('in_app')) return;
      await tx.query(
        `INSERT INTO ${table(schema)} (notice_id, recipient_id, order_id, kind, deadline, vars, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (notice_id) DO NOTHING`,
        [d.noticeId, d.recipientId, d.orderId, d.kind, d.deadline ?? null, JSON.stringify(d.vars), d.requestedAt],
      );
      return;
    }
    const d = e.data as { noticeId: string; readAt: string };
    await tx.query(`UPDATE ${table(schema)} SET read_at = coalesce(read_at, $2) WHERE notice_id = $1`, [d.noticeId, d.readAt]);
  },
  reset: async (tx: PoolClient) => void (await tx.query(`TRUNCATE ${table(schema)}`)),
  // Rebuild: `apply`'s INSERT-if-absent / UPDATE-if-present, folded in memory.
  rebuildBatch: (opts) =>
    keyedBatch<NoticeRow>(
      {
        key: (e) => (e.data as { noticeId: string }).noticeId,
        fold: (row, e) => {
          if (e.type === 'NoticeRequested') {
            const d = e.data as Requested;
            if (row || !d.channels.includes('in_app')) return row;
            return {
              notice_id: d.noticeId,
              recipient_id: d.recipientId,
              order_id: d.orderId,
              kind: d.kind,
              deadline: d.deadline ?? null,
              vars: d.vars,
              created_at: d.requestedAt,
              read_at: null,
            };
          }
          if (row) row.read_at ??= (e.data as { readAt?: string }).readAt ?? null;
          return row;
        },
        ...jsonRows<NoticeRow>(table(schema), 'notice_id', ['notice_id', 'recipient_id', 'order_id', 'kind', 'deadline', 'vars', 'created_at', 'read_at']),
      },
      opts,
    ),
});

interface NoticeRow {
  notice_id: string;
  recipient_id: string;
  order_id: string;
  kind: string;
  deadline: string | null;
  vars: object;
  created_at: string;
  read_at: string | null;
}

export interface InboxRow {
  noticeId: string;
  orderId: string;
  kind: NoticeKind;
  deadline: string | null;
  vars: Record<string, TemplateValue>;
  createdAt: string;
  readAt: string | null;
}

type Raw = {
  notice_id: string;
  order_id: string;
  kind: NoticeKind;
  deadline: Date | null;
  vars: Record<string, TemplateValue>;
  created_at: Date;
  read_at: Date | null;
};

/** Newest first, keyset-paginated on (created_at, notice_id). */
export const listInbox = async (
  db: Pool,
  schema: string,
  recipientId: string,
  limit: number,
  after?: { createdAt: string; noticeId: string },
): Promise<InboxRow[]> => {
  const { rows } = await db.query<Raw>(
    `SELECT notice_id, order_id, kind, deadline, vars, created_at, read_at FROM ${table(schema)}
     WHERE recipient_id = $1 AND ($2::timestamptz IS NULL OR (created_at, notice_id) < ($2::timestamptz, $3::text))
     ORDER BY created_at DESC, notice_id DESC LIMIT $4`,
    [recipientId, after?.createdAt ?? null, after?.noticeId ?? '', limit],
  );
  return rows.map((r) => ({
    noticeId: r.notice_id,
    orderId: r.order_id,
    kind: r.kind,
    deadline: r.deadline?.toISOString() ?? null,
    vars: r.vars,
    createdAt: r.created_at.toISOString(),
    readAt: r.read_at?.toISOString() ?? null,
  }));
};

export const unreadCount = async (db: Pool, schema: string, recipientId: string): Promise<number> => {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table(schema)} WHERE recipient_id = $1 AND read_at IS NULL`, [recipientId]);
  return rows[0]?.n ?? 0;
};
