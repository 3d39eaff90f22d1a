import type { DueDeadline } from '@bp/timers';
import { emailDueAt } from '../domain/notices/lifecycle';
import { wantsEmail } from '../domain/recipients/recipient';
import { renderNotice } from '../domain/templates/render';
import { MailError, type Mailer } from '../infra/mailer';
import type { Handlers, Run } from './handlers';
import { serviceActor } from './service-actor';

/**
 * The e-mail delivery step, fired by the notice's `email` deadline: render in the recipient's locale
 * (N3), send, and record the outcome in the same transaction. A failure schedules the next try
 * (backoff, through the notice's deadline); an opt-out made since the request ends it for good.
 */
export const sendNoticeEmail = async (h: Handlers, mailer: Mailer, run: Run, noticeId: string, due: DueDeadline): Promise<void> => {
  const { state } = await h.loadNotice(noticeId, run.tx);
  if (state.status !== 'requested' || emailDueAt(state, h.emailRetry) !== due.dueAt) return; // stale: done, given up or rescheduled
  const meta = { now: due.now, actor: serviceActor };
  const { state: recipient } = await h.loadRecipient(state.notice.recipientId, run.tx);
  if (!recipient.email || !wantsEmail(recipient, state.notice.kind)) {
    await h.notices({ type: 'RecordDeliveryFailure', data: { noticeId, channel: 'email', error: 'EMAIL_NOT_WANTED', final: true }, meta }, run);
    return;
  }
  const rendered = renderNotice(state.notice, recipient.locale);
  try {
    await mailer.send({ id: noticeId, to: recipient.email, subject: rendered.subject, text: rendered.text, html: rendered.html, locale: recipient.locale });
  } catch (err) {
    const error = err instanceof MailError ? err.code : 'SEND_FAILED';
    await h.notices({ type: 'RecordDeliveryFailure', data: { noticeId, channel: 'email', error }, meta }, run);
    return;
  }
  await h.notices({ type: 'RecordDelivery', data: { noticeId, channel: 'email' }, meta }, run);
};
