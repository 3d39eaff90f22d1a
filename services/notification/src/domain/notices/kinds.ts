/**
 * Every kind of notice the service sends (N1, N2). `actionable` notices name a deadline; `emailCategory`
 * is what a user can opt out of (N4: users choose which e-mail kinds they receive).
 */
export const NoticeKinds = {
  order_placed: { actionable: true, emailCategory: 'orders' },
  order_paid: { actionable: true, emailCategory: 'orders' },
  order_shipped: { actionable: false, emailCategory: 'orders' },
  // Informational: doing nothing is safe (O7 auto-confirm); the protection end it would name is in
  // order_shipped and in the protection-ending reminder (N2), not in the delivery event.
  order_delivered: { actionable: false, emailCategory: 'orders' },
  order_completed: { actionable: false, emailCategory: 'orders' },
  order_cancelled: { actionable: false, emailCategory: 'orders' },
  order_closed: { actionable: false, emailCategory: 'orders' },
  extension_requested: { actionable: true, emailCategory: 'orders' },
  extension_approved: { actionable: false, emailCategory: 'orders' },
  extension_declined: { actionable: false, emailCategory: 'orders' },
  extension_lapsed: { actionable: false, emailCategory: 'orders' },
  payment_failed: { actionable: true, emailCategory: 'payments' },
  payment_returned: { actionable: false, emailCategory: 'payments' },
  funds_released: { actionable: false, emailCategory: 'payments' },
  refund_completed: { actionable: false, emailCategory: 'payments' },
  seller_debited: { actionable: false, emailCategory: 'payments' },
  dispute_opened: { actionable: true, emailCategory: 'disputes' },
  dispute_counter_proposed: { actionable: true, emailCategory: 'disputes' },
  dispute_proposal_edited: { actionable: true, emailCategory: 'disputes' },
  dispute_escalated: { actionable: true, emailCategory: 'disputes' },
  dispute_withdrawn: { actionable: false, emailCategory: 'disputes' },
  dispute_settled: { actionable: false, emailCategory: 'disputes' },
  return_requested: { actionable: true, emailCategory: 'disputes' },
  return_shipped: { actionable: true, emailCategory: 'disputes' },
  fast_refund_granted: { actionable: false, emailCategory: 'payments' },
  resend_agreed: { actionable: true, emailCategory: 'disputes' },
  resend_shipped: { actionable: false, emailCategory: 'disputes' },
  // Informational: R8 sets no deadline for deciding an appeal, so there is none to name.
  appeal_filed: { actionable: false, emailCategory: 'disputes' },
  appeal_decided: { actionable: false, emailCategory: 'disputes' },
  sla_breached: { actionable: true, emailCategory: 'alerts' },
  buyer_level_changed: { actionable: false, emailCategory: 'account' },
  reminder_protection_ending: { actionable: true, emailCategory: 'reminders' },
  reminder_dispute_answer: { actionable: true, emailCategory: 'reminders' },
  reminder_ship: { actionable: true, emailCategory: 'reminders' },
  reminder_return_ship: { actionable: true, emailCategory: 'reminders' },
  reminder_resend_ship: { actionable: true, emailCategory: 'reminders' },
  reminder_sla_at_risk: { actionable: true, emailCategory: 'reminders' },
} as const satisfies Record<string, { actionable: boolean; emailCategory: string }>;

export type NoticeKind = keyof typeof NoticeKinds;
export const noticeKinds = Object.keys(NoticeKinds) as NoticeKind[];
export type EmailCategory = (typeof NoticeKinds)[NoticeKind]['emailCategory'];
export const emailCategories = [...new Set(Object.values(NoticeKinds).map((k) => k.emailCategory))] as EmailCategory[];

/** The shared inbox of support agents (arbitration, SLA alerts). */
export const AGENTS = 'agents';

/**
 * Whose message center a caller reads: agents share one (S1: the arbitration queue is everyone's).
 * The shared one belongs to the role, never to a user who happens to be called "agents": such a
 * user gets a mailbox no notice is ever addressed to. (Tokens and orders refuse the reserved id in
 * the first place, RESERVED_PARTY_IDS in @bp/contracts; this keeps the inbox safe on its own.)
 */
export const mailboxOf = (actor: { role: string; id: string }): string =>
  actor.role === 'agent' ? AGENTS : actor.id === AGENTS ? `user:${actor.id}` : actor.id;

/** Values a template may use. Money is minor units + currency; times are ISO strings. */
export type TemplateValue = string | number | { amount: number; currency: string };

/** What the routing decides: who is told what, with which deadline (N1). */
export interface NoticeDraft {
  kind: NoticeKind;
  recipientId: string;
  orderId: string;
  /** Actionable notices carry the deadline from the event. */
  deadline?: string;
  vars: Record<string, TemplateValue>;
}
