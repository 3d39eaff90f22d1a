import type { ServiceContext } from '@bp/runtime';
import type { DueDeadline } from '@bp/timers';
import type { PoolClient } from 'pg';
import { reminderNotice } from '../domain/reminders/reminders';
import type { Mailer } from '../infra/mailer';
import type { PostWebhook } from '../infra/webhook-client';
import { sendNoticeEmail } from './email-step';
import type { Handlers, Run } from './handlers';
import { requestNotice } from './request-notice';
import { parseStream } from './streams';
import { attemptDelivery } from './webhook-step';
import { serviceActor } from './service-actor';

/** A due deadline, routed by its stream to the aggregate it belongs to; runs in the scheduler's tx. */
export const fireDeadline =
  (ctx: ServiceContext, h: Handlers, io: { mailer: Mailer; post: PostWebhook }) =>
  async (tx: PoolClient, due: DueDeadline): Promise<void> => {
    const target = parseStream(due.streamId);
    const run: Run = { tx, metadata: { correlationId: `${due.streamId}/${due.kind}/${due.dueAt}`, causationId: null, actor: serviceActor, now: due.now } };
    switch (target?.kind) {
      case 'reminders': {
        const meta = { now: due.now, actor: serviceActor };
        const result = await h.reminders({ stream: due.streamId, command: { type: 'FireDeadline', data: { kind: due.kind, dueAt: due.dueAt }, meta } }, run);
        for (const e of result.events) {
          if (e.type !== 'ReminderSent') continue;
          const sent = e.data as Parameters<typeof reminderNotice>[0];
          const facts = await h.loadFacts(sent.orderId, tx);
          // Unreachable for events consumed since parking: an event that arms a reminder waits for
          // its order's facts (needsOrderFacts), so a tracker never holds a reminder without them.
          // Kept as a guard for trackers armed before that: the scheduler retries until facts exist.
          if (!facts) throw new Error(`no order facts for reminder on ${sent.orderId}`);
          await requestNotice(h, { tx, metadata: { ...run.metadata, causationId: e.id } }, reminderNotice(sent, facts), e.id);
        }
        return;
      }
      case 'notice':
        return sendNoticeEmail(h, io.mailer, run, target.id, due);
      case 'delivery':
        return attemptDelivery(h, io.post, ctx.policy, run, target.id, due);
      default:
        ctx.logger.warn({ streamId: due.streamId, kind: due.kind }, 'deadline of an unknown stream ignored');
    }
  };
