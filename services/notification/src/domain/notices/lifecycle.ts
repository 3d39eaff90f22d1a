import { durationMs, type Policy } from '@bp/timers';
import { decideNotice, evolveNotice, initialNoticeState, type Channel, type NoticeCommand, type NoticeEvent, type NoticeState } from './notice';

/**
 * The notice decider as the service runs it, composed from `decideNotice`:
 * - the message center is a projection written in the same transaction as the request, so a notice
 *   requested with the in-app channel is delivered there at once;
 * - every delivery is announced on notifications.v1 as `NoticeSent` (partners, N5).
 * E-mail is delivered later by a step driven by the notice's deadline (`noticeDeadlines`).
 */
export interface NoticeSent {
  type: 'NoticeSent';
  data: { noticeId: string; orderId: string; recipientId: string; kind: string; channel: Channel; deadline?: string; sentAt: string };
}
export type NoticeLifecycleEvent = NoticeEvent | NoticeSent;

/** E-mail retries (policy `notifications.emailRetryBase` / `emailMaxAttempts`). */
export interface EmailRetry {
  base: string;
  maxAttempts: number;
}
export const emailRetryOf = (p: Policy['notifications']): EmailRetry => ({ base: p.emailRetryBase, maxAttempts: p.emailMaxAttempts });

const sentFor = (e: Extract<NoticeEvent, { type: 'NoticeDelivered' }>, s: NoticeState): NoticeSent[] => {
  if (s.status !== 'requested') return [];
  const { noticeId, orderId, recipientId, kind, deadline } = s.notice;
  return [
    {
      type: 'NoticeSent',
      data: { noticeId, orderId, recipientId, kind, channel: e.data.channel, ...(deadline ? { deadline } : {}), sentAt: e.data.deliveredAt },
    },
  ];
};

export const evolveNoticeLifecycle = (s: NoticeState, e: NoticeLifecycleEvent): NoticeState => (e.type === 'NoticeSent' ? s : evolveNotice(s, e));

export const decideNoticeLifecycle = (c: NoticeCommand, s: NoticeState): NoticeLifecycleEvent[] => {
  let state = s;
  const out: NoticeLifecycleEvent[] = [];
  const emit = (events: NoticeEvent[]) => {
    for (const e of events) {
      state = evolveNotice(state, e);
      out.push(e, ...(e.type === 'NoticeDelivered' ? sentFor(e, state) : []));
    }
  };
  emit(decideNotice(c, s));
  if (c.type === 'RequestNotice' && out.length > 0 && c.data.channels.includes('in_app')) {
    emit(decideNotice({ type: 'RecordDelivery', data: { noticeId: c.data.noticeId, channel: 'in_app' }, meta: c.meta }, state));
  }
  return out;
};

export const noticeDecider = { decide: decideNoticeLifecycle, evolve: evolveNoticeLifecycle, initialState: initialNoticeState };

/** When the e-mail step should (re)try: as soon as requested, then with backoff; none once done or given up. */
export const emailDueAt = (s: NoticeState, retry: EmailRetry): string | null => {
  if (s.status !== 'requested' || !s.channels.includes('email')) return null;
  if (s.delivered.includes('email') || s.abandoned.includes('email') || s.failures >= retry.maxAttempts) return null;
  if (s.failures === 0 || !s.lastFailedAt) return s.requestedAt;
  return new Date(Date.parse(s.lastFailedAt) + durationMs(retry.base) * 2 ** (s.failures - 1)).toISOString();
};

export const noticeDeadlines = (retry: EmailRetry) => (s: NoticeState) => {
  const dueAt = emailDueAt(s, retry);
  return dueAt ? [{ kind: 'email', dueAt, actor: 'system', onExpiry: 'email_sent' }] : [];
};
