import { z } from 'zod';
import { DomainError, type Actor } from '@bp/contracts';
import { emailCategories, NoticeKinds, noticeKinds, type NoticeKind } from '../notices/kinds';
import { Locales, type Locale } from '../templates/catalog';

/**
 * A recipient's preferences (N3, N4): locale, e-mail, and the e-mail kinds they opted out of: a
 * notice kind (`dispute_opened`, as API.md says) or a whole category of them (`reminders`).
 */
const OptOut = z.enum([...emailCategories, ...noticeKinds] as [string, ...string[]]);
export const RecipientBody = z.strictObject({
  email: z.email().max(254).optional(),
  locale: z.enum(Locales),
  emailOptOut: z.array(OptOut).max(60).default([]),
});
export type RecipientBody = z.infer<typeof RecipientBody>;

export type RecipientEvent = { type: 'RecipientUpdated'; data: { userId: string; email: string | null; locale: Locale; emailOptOut: string[] } };
export type RecipientCommand = { type: 'UpdateRecipient'; data: { userId: string } & RecipientBody; meta: { now: string; actor: Actor } };

export interface RecipientState {
  userId: string | null;
  email: string | null;
  locale: Locale;
  emailOptOut: string[];
}
export const initialRecipientState: RecipientState = { userId: null, email: null, locale: 'en', emailOptOut: [] };

export const evolveRecipient = (_s: RecipientState, e: RecipientEvent): RecipientState => ({ ...e.data });

/** Preferences are the user's own (ops may help); to anyone else they do not exist. */
export const assertRecipientAccess = (actor: Actor, userId: string): void => {
  if (actor.role !== 'ops' && actor.id !== userId) throw new DomainError('RECIPIENT_NOT_FOUND', 'no such recipient', 'not_found');
};

export const decideRecipient = (c: RecipientCommand, s: RecipientState): RecipientEvent[] => {
  assertRecipientAccess(c.meta.actor, c.data.userId);
  const next = { userId: c.data.userId, email: c.data.email ?? null, locale: c.data.locale, emailOptOut: [...new Set(c.data.emailOptOut)].sort() };
  const same = s.userId === next.userId && s.email === next.email && s.locale === next.locale && s.emailOptOut.join() === next.emailOptOut.join();
  return same ? [] : [{ type: 'RecipientUpdated', data: next }];
};

/** E-mail goes out only to an address the user gave, for a kind they did not opt out of (N4). */
export const wantsEmail = (r: RecipientState, kind: NoticeKind): boolean =>
  r.email !== null && !r.emailOptOut.includes(NoticeKinds[kind].emailCategory) && !r.emailOptOut.includes(kind);
