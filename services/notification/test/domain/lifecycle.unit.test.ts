import type { Actor } from '@bp/contracts';
import { spec } from '@bp/testing';
import { defaultPolicy } from '@bp/timers';
import {
  emailDueAt as dueWith,
  emailRetryOf,
  noticeDeadlines as deadlinesWith,
  noticeDecider,
  type NoticeLifecycleEvent,
} from '../../src/domain/notices/lifecycle';

const retry = emailRetryOf(defaultPolicy.notifications);
const emailDueAt = (s: Parameters<typeof dueWith>[0]) => dueWith(s, retry);
const noticeDeadlines = deadlinesWith(retry);
import type { NoticeCommand, NoticeState } from '../../src/domain/notices/notice';

const t0 = '2026-01-05T00:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(t0) + minutes * 60_000).toISOString();
const system: Actor = { role: 'system', id: 'notification-service' };
const notices = spec<NoticeCommand, NoticeLifecycleEvent, NoticeState>(noticeDecider);
const draft = {
  noticeId: 'n-1',
  sourceEventId: 'e-1',
  kind: 'dispute_opened' as const,
  recipientId: 'seller-1',
  orderId: 'o-1',
  deadline: '2026-01-10T00:00:00.000Z',
  vars: {},
};
const request = (channels: ('in_app' | 'email')[]): NoticeCommand => ({
  type: 'RequestNotice',
  data: { ...draft, channels },
  meta: { now: t0, actor: system },
});
const requested = (channels: ('in_app' | 'email')[]): NoticeLifecycleEvent => ({ type: 'NoticeRequested', data: { ...draft, channels, requestedAt: t0 } });
const fold = (events: NoticeLifecycleEvent[]) => events.reduce(noticeDecider.evolve, noticeDecider.initialState);
const failed = (minutes: number, final?: boolean): NoticeLifecycleEvent => ({
  type: 'NoticeDeliveryFailed',
  data: { noticeId: 'n-1', channel: 'email', error: 'ECONNECTION', failedAt: at(minutes), ...(final ? { final } : {}) },
});

describe('notice lifecycle as the service runs it (N4)', () => {
  it('a requested in-app notice is delivered to the message center at once and announced as NoticeSent', () => {
    notices
      .given([])
      .when(request(['in_app', 'email']))
      .then([
        requested(['in_app', 'email']),
        { type: 'NoticeDelivered', data: { noticeId: 'n-1', channel: 'in_app', deliveredAt: t0 } },
        {
          type: 'NoticeSent',
          data: { noticeId: 'n-1', orderId: 'o-1', recipientId: 'seller-1', kind: 'dispute_opened', channel: 'in_app', deadline: draft.deadline, sentAt: t0 },
        },
      ]);
  });

  it('a redelivered request changes nothing', () => {
    notices
      .given([requested(['in_app'])])
      .when(request(['in_app']))
      .thenNothingHappens();
  });

  it('the e-mail step is due at once, then backs off exponentially after failures, and stops after the last try', () => {
    expect(emailDueAt(fold([requested(['in_app', 'email'])]))).toBe(t0);
    expect(emailDueAt(fold([requested(['in_app', 'email']), failed(0)]))).toBe(at(1));
    expect(emailDueAt(fold([requested(['in_app', 'email']), failed(0), failed(1)]))).toBe(at(3));
    const eight = Array.from({ length: 8 }, (_, i) => failed(i));
    expect(noticeDeadlines(fold([requested(['in_app', 'email']), ...eight]))).toEqual([]);
  });

  it('no e-mail step without the channel, after delivery, or after a final failure (opt-out since the request)', () => {
    expect(noticeDeadlines(fold([requested(['in_app'])]))).toEqual([]);
    expect(
      noticeDeadlines(fold([requested(['in_app', 'email']), { type: 'NoticeDelivered', data: { noticeId: 'n-1', channel: 'email', deliveredAt: t0 } }])),
    ).toEqual([]);
    expect(noticeDeadlines(fold([requested(['in_app', 'email']), failed(0, true)]))).toEqual([]);
  });

  it('a late failure report after the e-mail was delivered is ignored', () => {
    const delivered: NoticeLifecycleEvent = { type: 'NoticeDelivered', data: { noticeId: 'n-1', channel: 'email', deliveredAt: t0 } };
    notices
      .given([requested(['email']), delivered])
      .when({ type: 'RecordDeliveryFailure', data: { noticeId: 'n-1', channel: 'email', error: 'TIMEOUT' }, meta: { now: t0, actor: system } })
      .thenNothingHappens();
  });
});
