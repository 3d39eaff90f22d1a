// FireDeadline { kind, dueAt }: the scheduler's command. The rule is re-checked against the current
// state: a deadline the state no longer lists (or lists with another dueAt), or one not yet due, is
// stale and changes nothing.
import { existing } from './authorize';
import type { CommandOf } from './commands';
import { deadlines } from './deadlines';
import { closedEvent, protectionEndedEvent } from './facts';
import { isInTransit, pendingExtension } from './guards';
import type { ExistingOrder, OrderEvent, OrderState } from './order';
import type { DeadlineKind } from './process';
import { iso, ms } from './time';

const expire = (kind: DeadlineKind, s: ExistingOrder, now: string): OrderEvent[] => {
  switch (kind) {
    case 'payment':
      return [closedEvent(s, 'UNPAID', false, now)]; // O2
    case 'shipment':
      return [closedEvent(s, 'NOT_SHIPPED', true, now)]; // O4: full refund
    case 'protection_end':
      return isInTransit(s) ? [protectionEndedEvent(s, now)] : []; // O7, S3: ask the dispute service first
    case 'extension_response': {
      // O8: an unanswered request lapses, nothing else changes
      const ext = pendingExtension(s);
      if (!ext) return [];
      return [{ type: 'ProtectionExtensionLapsed', data: { orderId: s.order.orderId, extensionId: ext.extensionId, days: ext.days, lapsedAt: now } }];
    }
    case 'review_window':
      return [{ type: 'ReviewWindowClosed', data: { orderId: s.order.orderId, closedAt: now } }]; // O11: no review came
    case 'review_publication': {
      // O11
      if (!s.review) return [];
      return [{ type: 'ReviewPublished', data: { orderId: s.order.orderId, rating: s.review.rating, publishedAt: now } }];
    }
  }
};

export const fireDeadline = (cmd: CommandOf<'FireDeadline'>, state: OrderState): OrderEvent[] => {
  if (state.status === 'initial') return [];
  const s = existing(cmd, state);
  const due = ms(cmd.data.dueAt);
  const current = deadlines(s).find((d) => d.kind === cmd.data.kind && ms(d.dueAt) === due);
  if (!current || ms(cmd.meta.now) < due) return [];
  return expire(current.kind as DeadlineKind, s, iso(cmd.meta.now));
};
