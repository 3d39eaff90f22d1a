// Deadlines are a function of state (conventions.md): the command handler syncs the stream's timers
// to exactly this list after every command. Derived from the timed transitions of process.ts.
import type { Deadline } from '@bp/timers';
import { guards, isInTransit, pendingExtension, receivedAt } from './guards';
import type { ExistingOrder, OrderState } from './order';
import { type Since, dueAt, timedTransitions } from './process';

export type { Deadline };

/** The state field a deadline counts from, or null when the state has none. */
export const sinceOf = (s: ExistingOrder, since: Since): string | null => {
  switch (since) {
    case 'placedAt':
      return s.order.placedAt;
    case 'paidAt':
      return s.status === 'paid' ? s.payment.paidAt : null;
    case 'protectionEndsAt':
      return isInTransit(s) ? s.protection.endsAt : null;
    case 'extensionRequestedAt':
      return pendingExtension(s)?.requestedAt ?? null;
    case 'receivedAt':
      return receivedAt(s);
    case 'reviewPostedAt':
      return s.review?.postedAt ?? null;
  }
};

export const deadlines = (s: OrderState): Deadline[] => {
  if (s.status === 'initial') return [];
  const out: Deadline[] = [];
  for (const t of timedTransitions()) {
    if (!t.from.includes(s.status) || (t.guard && guards[t.guard](s) !== null)) continue;
    const since = sinceOf(s, t.deadline.since);
    if (since === null) continue;
    const { kind, actor, onExpiry } = t.deadline;
    out.push({ kind, dueAt: dueAt(since, t.deadline.period, s.order), actor, onExpiry });
  }
  return out;
};
