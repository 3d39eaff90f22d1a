import { noticeIdOf } from '../domain/derived-ids';
import type { NoticeDraft } from '../domain/notices/kinds';
import type { Channel } from '../domain/notices/notice';
import { wantsEmail } from '../domain/recipients/recipient';
import type { Handlers, Run } from './handlers';

/**
 * Requests one notice: in the message center always, by e-mail when the recipient gave an address
 * and did not opt out of the kind (N4). The id comes from the source event, so a redelivered or
 * replayed source cannot request it twice.
 */
export const requestNotice = async (h: Handlers, run: Run, draft: NoticeDraft, sourceEventId: string): Promise<void> => {
  const { state: recipient } = await h.loadRecipient(draft.recipientId, run.tx);
  const channels: Channel[] = wantsEmail(recipient, draft.kind) ? ['in_app', 'email'] : ['in_app'];
  const noticeId = noticeIdOf(sourceEventId, draft.kind, draft.recipientId);
  await h.notices(
    { type: 'RequestNotice', data: { ...draft, noticeId, sourceEventId, channels }, meta: { now: run.metadata.now, actor: run.metadata.actor } },
    run,
  );
};
