import { DomainError, type Actor } from '@bp/contracts';
import { mailboxOf, type NoticeDraft } from './kinds';

/**
 * One notice to one recipient, with its life: requested, delivered or failed per channel, read (N1, N4).
 * The id is derived from the source event, kind and recipient, so a redelivered event cannot
 * request the same notice twice.
 */
export type Channel = 'in_app' | 'email';

export type NoticeEvent =
  | { type: 'NoticeRequested'; data: NoticeDraft & { noticeId: string; sourceEventId: string; channels: Channel[]; requestedAt: string } }
  | { type: 'NoticeDelivered'; data: { noticeId: string; channel: Channel; deliveredAt: string } }
  /** `final`: not worth retrying (the recipient no longer wants this channel). */
  | { type: 'NoticeDeliveryFailed'; data: { noticeId: string; channel: Channel; error: string; failedAt: string; final?: boolean } }
  | { type: 'NoticeRead'; data: { noticeId: string; readAt: string } };

type Meta = { now: string; actor: Actor };
export type NoticeCommand =
  | { type: 'RequestNotice'; data: NoticeDraft & { noticeId: string; sourceEventId: string; channels: Channel[] }; meta: Meta }
  | { type: 'RecordDelivery'; data: { noticeId: string; channel: Channel }; meta: Meta }
  | { type: 'RecordDeliveryFailure'; data: { noticeId: string; channel: Channel; error: string; final?: boolean }; meta: Meta }
  | { type: 'MarkRead'; data: { noticeId: string }; meta: Meta };

export type NoticeState =
  | { status: 'none' }
  | {
      status: 'requested';
      notice: NoticeDraft & { noticeId: string };
      channels: Channel[];
      requestedAt: string;
      delivered: Channel[];
      failures: number;
      lastFailedAt: string | null;
      /** Channels given up on (final failure); never retried. */
      abandoned: Channel[];
      readAt: string | null;
    };

export const initialNoticeState: NoticeState = { status: 'none' };

export const evolveNotice = (s: NoticeState, e: NoticeEvent): NoticeState => {
  switch (e.type) {
    case 'NoticeRequested': {
      const { sourceEventId: _s, channels, requestedAt, ...notice } = e.data;
      return { status: 'requested', notice, channels, requestedAt, delivered: [], failures: 0, lastFailedAt: null, abandoned: [], readAt: null };
    }
    case 'NoticeDelivered':
      return s.status === 'requested' ? { ...s, delivered: [...new Set([...s.delivered, e.data.channel])] } : s;
    case 'NoticeDeliveryFailed':
      if (s.status !== 'requested') return s;
      return {
        ...s,
        failures: s.failures + 1,
        lastFailedAt: e.data.failedAt,
        abandoned: e.data.final ? [...new Set([...s.abandoned, e.data.channel])] : s.abandoned,
      };
    case 'NoticeRead':
      return s.status === 'requested' ? { ...s, readAt: e.data.readAt } : s;
    default:
      return s;
  }
};

const requested = (s: NoticeState, noticeId: string) => {
  if (s.status !== 'requested') throw new DomainError('NOTICE_NOT_FOUND', `no notice ${noticeId}`, 'not_found');
  return s;
};

export const decideNotice = (c: NoticeCommand, s: NoticeState): NoticeEvent[] => {
  switch (c.type) {
    case 'RequestNotice':
      return s.status === 'none' ? [{ type: 'NoticeRequested', data: { ...c.data, requestedAt: c.meta.now } }] : [];
    case 'RecordDelivery':
      return requested(s, c.data.noticeId).delivered.includes(c.data.channel)
        ? []
        : [{ type: 'NoticeDelivered', data: { ...c.data, deliveredAt: c.meta.now } }];
    case 'RecordDeliveryFailure': {
      const r = requested(s, c.data.noticeId);
      // A late failure report for a channel already delivered or given up on changes nothing.
      if (r.delivered.includes(c.data.channel) || r.abandoned.includes(c.data.channel)) return [];
      return [{ type: 'NoticeDeliveryFailed', data: { ...c.data, failedAt: c.meta.now } }];
    }
    case 'MarkRead': {
      const r = requested(s, c.data.noticeId);
      // Only the recipient reads their own notices; anyone else is told it does not exist.
      if (mailboxOf(c.meta.actor) !== r.notice.recipientId) throw new DomainError('NOTICE_NOT_FOUND', `no notice ${c.data.noticeId}`, 'not_found');
      return r.readAt ? [] : [{ type: 'NoticeRead', data: { noticeId: c.data.noticeId, readAt: c.meta.now } }];
    }
    default: {
      const never: never = c;
      throw new Error(`unknown command ${(never as { type: string }).type}`);
    }
  }
};
