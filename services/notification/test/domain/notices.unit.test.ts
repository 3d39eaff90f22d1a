import type { Actor } from '@bp/contracts';
import { spec } from '@bp/testing';
import { decideNotice, evolveNotice, initialNoticeState, type NoticeCommand, type NoticeEvent, type NoticeState } from '../../src/domain/notices/notice';
import { decideRecipient, evolveRecipient, initialRecipientState, RecipientBody, wantsEmail } from '../../src/domain/recipients/recipient';

const now = '2026-01-05T00:00:00.000Z';
const buyer: Actor = { role: 'buyer', id: 'buyer-1' };
const notices = spec<NoticeCommand, NoticeEvent, NoticeState>({ decide: decideNotice, evolve: evolveNotice, initialState: initialNoticeState });
const draft = {
  noticeId: 'n-1',
  sourceEventId: 'e-1',
  channels: ['in_app' as const, 'email' as const],
  kind: 'order_shipped' as const,
  recipientId: 'buyer-1',
  orderId: 'o-1',
  vars: {},
};
const requested: NoticeEvent = { type: 'NoticeRequested', data: { ...draft, requestedAt: now } };

describe('notices: requested, delivered, failed, read', () => {
  it('records a request once, however often the source event is redelivered', () => {
    notices
      .given([])
      .when({ type: 'RequestNotice', data: draft, meta: { now, actor: buyer } })
      .then([requested]);
    notices
      .given([requested])
      .when({ type: 'RequestNotice', data: draft, meta: { now, actor: buyer } })
      .thenNothingHappens();
  });

  it('records a delivery per channel once', () => {
    const delivered: NoticeEvent = { type: 'NoticeDelivered', data: { noticeId: 'n-1', channel: 'email', deliveredAt: now } };
    notices
      .given([requested])
      .when({ type: 'RecordDelivery', data: { noticeId: 'n-1', channel: 'email' }, meta: { now, actor: buyer } })
      .then([delivered]);
    notices
      .given([requested, delivered])
      .when({ type: 'RecordDelivery', data: { noticeId: 'n-1', channel: 'email' }, meta: { now, actor: buyer } })
      .thenNothingHappens();
  });

  it('marks read for the recipient only, idempotently', () => {
    const read: NoticeEvent = { type: 'NoticeRead', data: { noticeId: 'n-1', readAt: now } };
    notices
      .given([requested])
      .when({ type: 'MarkRead', data: { noticeId: 'n-1' }, meta: { now, actor: buyer } })
      .then([read]);
    notices
      .given([requested, read])
      .when({ type: 'MarkRead', data: { noticeId: 'n-1' }, meta: { now, actor: buyer } })
      .thenNothingHappens();
    notices
      .given([requested])
      .when({ type: 'MarkRead', data: { noticeId: 'n-1' }, meta: { now, actor: { role: 'buyer', id: 'buyer-2' } } })
      .thenRefuses('NOTICE_NOT_FOUND');
  });
});

describe('recipients: locale, e-mail, opt-outs (N3, N4)', () => {
  const update = (actor: Actor, emailOptOut: string[] = []) =>
    decideRecipient(
      { type: 'UpdateRecipient', data: { userId: 'buyer-1', email: 'b@example.com', locale: 'ja', emailOptOut }, meta: { now, actor } },
      initialRecipientState,
    );

  it('lets the user (or ops) set preferences, nobody else', () => {
    expect(update(buyer)).toHaveLength(1);
    expect(update({ role: 'ops', id: 'ops-1' })).toHaveLength(1);
    expect(() => update({ role: 'buyer', id: 'buyer-2' })).toThrow('no such recipient');
  });

  it('honours e-mail opt-outs by category', () => {
    const state = update(buyer, ['reminders']).reduce(evolveRecipient, initialRecipientState);
    expect(wantsEmail(state, 'reminder_ship')).toBe(false);
    expect(wantsEmail(state, 'dispute_opened')).toBe(true);
    expect(wantsEmail(initialRecipientState, 'dispute_opened')).toBe(false); // no address given
  });

  it('honours an e-mail opt-out by notice kind (API.md: emailOptOut lists kinds)', () => {
    const state = update(buyer, ['dispute_opened']).reduce(evolveRecipient, initialRecipientState);
    expect(wantsEmail(state, 'dispute_opened')).toBe(false);
    expect(wantsEmail(state, 'dispute_escalated')).toBe(true);
    expect(RecipientBody.safeParse({ locale: 'en', emailOptOut: ['dispute_opened', 'reminders'] }).success).toBe(true);
    expect(RecipientBody.safeParse({ locale: 'en', emailOptOut: ['no_such_kind'] }).success).toBe(false);
  });

  it('an unchanged update writes nothing', () => {
    const state = update(buyer).reduce(evolveRecipient, initialRecipientState);
    expect(
      decideRecipient(
        { type: 'UpdateRecipient', data: { userId: 'buyer-1', email: 'b@example.com', locale: 'ja', emailOptOut: [] }, meta: { now, actor: buyer } },
        state,
      ),
    ).toEqual([]);
  });
});

describe('the agents share one message center (S1)', () => {
  const forAgents: NoticeEvent = { type: 'NoticeRequested', data: { ...draft, recipientId: 'agents', requestedAt: now } };
  it('any agent reads a notice addressed to the agents; a buyer cannot', () => {
    notices
      .given([forAgents])
      .when({ type: 'MarkRead', data: { noticeId: 'n-1' }, meta: { now, actor: { role: 'agent', id: 'agent-7' } } })
      .then([{ type: 'NoticeRead', data: { noticeId: 'n-1', readAt: now } }]);
    notices
      .given([forAgents])
      .when({ type: 'MarkRead', data: { noticeId: 'n-1' }, meta: { now, actor: { role: 'buyer', id: 'agents' } } })
      .thenRefuses('NOTICE_NOT_FOUND');
  });
});
