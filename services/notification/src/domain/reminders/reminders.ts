import { DomainError, type Actor } from '@bp/contracts';
import { durationMs, type Policy } from '@bp/timers';
import { AGENTS, type NoticeDraft, type NoticeKind } from '../notices/kinds';
import type { OrderFacts } from '../routing/order-facts';

/**
 * Reminders before deadlines (N2), one tracker per order. Public events arm and disarm them; the
 * armed ones are the tracker's deadlines, so the shared timers fire them. A reminder whose reason
 * went away (the seller answered, the parcel shipped) is disarmed and never sent; a fired deadline
 * that no longer matches an armed reminder does nothing.
 */
export const ReminderKinds = ['protection_ending', 'ship', 'dispute_answer', 'return_ship', 'resend_ship', 'sla_at_risk'] as const;
export type ReminderKind = (typeof ReminderKinds)[number];
type Party = 'buyer' | 'seller' | 'agents';

const noticeOf: Record<ReminderKind, NoticeKind> = {
  protection_ending: 'reminder_protection_ending',
  ship: 'reminder_ship',
  dispute_answer: 'reminder_dispute_answer',
  return_ship: 'reminder_return_ship',
  resend_ship: 'reminder_resend_ship',
  sla_at_risk: 'reminder_sla_at_risk',
};

export type ReminderEvent =
  | { type: 'ReminderArmed'; data: { orderId: string; reminder: ReminderKind; at: string; deadline: string; to: Party } }
  | { type: 'ReminderDisarmed'; data: { orderId: string; reminder: ReminderKind } }
  | { type: 'ReminderSent'; data: { orderId: string; reminder: ReminderKind; deadline: string; to: Party } };

export type ReminderCommand =
  | { type: 'ObserveEvent'; data: { orderId: string; ceType: string; data: Record<string, unknown> }; meta: { now: string; actor: Actor } }
  | { type: 'FireDeadline'; data: { kind: string; dueAt: string }; meta: { now: string; actor: Actor } };

export interface Armed {
  at: string;
  deadline: string;
  to: Party;
}
export interface ReminderState {
  orderId: string | null;
  armed: Partial<Record<ReminderKind, Armed>>;
}
export const initialReminderState: ReminderState = { orderId: null, armed: {} };

export const evolveReminders = (s: ReminderState, e: ReminderEvent): ReminderState => {
  switch (e.type) {
    case 'ReminderArmed': {
      const { orderId, reminder, at, deadline, to } = e.data;
      return { orderId, armed: { ...s.armed, [reminder]: { at, deadline, to } } };
    }
    case 'ReminderDisarmed':
    case 'ReminderSent': {
      const { [e.data.reminder]: _gone, ...rest } = s.armed;
      return { orderId: e.data.orderId, armed: rest };
    }
    default:
      return s;
  }
};

type Lead = keyof Policy['notifications'];
type Effect = { arm: ReminderKind; deadlineField: string; lead: Lead; to: Party } | { disarm: ReminderKind[] };
const ORDER_ENDED: Effect = { disarm: ['protection_ending', 'ship', 'resend_ship'] };
const DISPUTE_ENDED: Effect = { disarm: ['dispute_answer', 'return_ship', 'resend_ship', 'sla_at_risk'] };
/** An outcome was reached by agreement, seller silence or ruling: the answer and the ruling are no longer due. */
const ANSWERED: Effect = { disarm: ['dispute_answer', 'sla_at_risk'] };

/** Which public events arm or disarm which reminder. */
export const reminderEffects: Record<string, Effect[]> = {
  'marketplace.order.paid.v1': [{ arm: 'ship', deadlineField: 'shipBy', lead: 'shipReminder', to: 'seller' }],
  'marketplace.order.shipped.v1': [
    { disarm: ['ship'] },
    { arm: 'protection_ending', deadlineField: 'protectionEndsAt', lead: 'protectionEndsReminder', to: 'buyer' },
  ],
  'marketplace.order.protection-extended.v1': [{ arm: 'protection_ending', deadlineField: 'protectionEndsAt', lead: 'protectionEndsReminder', to: 'buyer' }],
  'marketplace.order.protection-resumed.v1': [{ arm: 'protection_ending', deadlineField: 'protectionEndsAt', lead: 'protectionEndsReminder', to: 'buyer' }],
  'marketplace.order.protection-suspended.v1': [{ disarm: ['protection_ending'] }],
  'marketplace.order.completed.v1': [ORDER_ENDED],
  'marketplace.order.cancelled.v1': [ORDER_ENDED],
  'marketplace.order.closed.v1': [ORDER_ENDED],
  'marketplace.dispute.opened.v1': [{ arm: 'dispute_answer', deadlineField: 'sellerRespondBy', lead: 'sellerAnswerReminder', to: 'seller' }],
  'marketplace.dispute.proposal-edited.v1': [{ arm: 'dispute_answer', deadlineField: 'respondBy', lead: 'sellerAnswerReminder', to: 'seller' }],
  'marketplace.dispute.counter-proposed.v1': [{ disarm: ['dispute_answer'] }],
  // D9: a resend not shipped in time (or either party) escalates: its ship-by no longer applies.
  'marketplace.dispute.escalated.v1': [
    { disarm: ['dispute_answer', 'resend_ship'] },
    { arm: 'sla_at_risk', deadlineField: 'rulingDueAt', lead: 'slaAtRiskReminder', to: 'agents' },
  ],
  // The seller accepted (or an agent ruled): no answer or ruling is awaited any more, a return is.
  'marketplace.dispute.return-requested.v1': [ANSWERED, { arm: 'return_ship', deadlineField: 'shipBy', lead: 'returnShipReminder', to: 'buyer' }],
  // D9: the seller ships the replacement by shipBy; N2's "24 h left to ship" is the order's ship lead.
  'marketplace.dispute.resend-agreed.v1': [ANSWERED, { arm: 'resend_ship', deadlineField: 'shipBy', lead: 'shipReminder', to: 'seller' }],
  'marketplace.dispute.resend-shipped.v1': [{ disarm: ['resend_ship'] }],
  'marketplace.dispute.return-shipped.v1': [{ disarm: ['return_ship'] }],
  'marketplace.dispute.settled.v1': [DISPUTE_ENDED],
  'marketplace.dispute.withdrawn.v1': [DISPUTE_ENDED],
};

const observe = (c: Extract<ReminderCommand, { type: 'ObserveEvent' }>, s: ReminderState, policy: Policy): ReminderEvent[] => {
  const { orderId, ceType, data } = c.data;
  return (reminderEffects[ceType] ?? []).flatMap((effect): ReminderEvent[] => {
    if ('disarm' in effect) {
      return effect.disarm.filter((r) => s.armed[r]).map((reminder) => ({ type: 'ReminderDisarmed', data: { orderId, reminder } }));
    }
    const deadline = data[effect.deadlineField];
    if (typeof deadline !== 'string') throw new DomainError('EVENT_FIELD_MISSING', `${ceType} has no ${effect.deadlineField}`, 'validation');
    // Nothing to remind about once the deadline itself has passed.
    if (Date.parse(deadline) <= Date.parse(c.meta.now)) return [];
    const at = new Date(Date.parse(deadline) - durationMs(policy.notifications[effect.lead] as string)).toISOString();
    const current = s.armed[effect.arm];
    if (current && current.at === at && current.deadline === deadline) return [];
    return [{ type: 'ReminderArmed', data: { orderId, reminder: effect.arm, at, deadline, to: effect.to } }];
  });
};

const fire = (c: Extract<ReminderCommand, { type: 'FireDeadline' }>, s: ReminderState): ReminderEvent[] => {
  const reminder = c.data.kind as ReminderKind;
  const armed = s.armed[reminder];
  // Stale: disarmed, or re-armed for another time since the timer was set.
  if (!armed || !s.orderId || armed.at !== c.data.dueAt) return [];
  return [{ type: 'ReminderSent', data: { orderId: s.orderId, reminder, deadline: armed.deadline, to: armed.to } }];
};

export const decideReminders = (c: ReminderCommand, s: ReminderState, policy: Policy): ReminderEvent[] => {
  switch (c.type) {
    case 'ObserveEvent':
      return observe(c, s, policy);
    case 'FireDeadline':
      return fire(c, s);
    default: {
      const never: never = c;
      throw new Error(`unknown command ${(never as { type: string }).type}`);
    }
  }
};

export const reminderDeadlines = (s: ReminderState) =>
  Object.entries(s.armed).map(([kind, a]) => ({ kind, dueAt: a!.at, actor: 'system', onExpiry: 'reminder_sent' }));

/** The notice a sent reminder becomes. */
export const reminderNotice = (e: Extract<ReminderEvent, { type: 'ReminderSent' }>['data'], facts: OrderFacts): NoticeDraft => ({
  kind: noticeOf[e.reminder],
  recipientId: e.to === 'buyer' ? facts.buyerId : e.to === 'seller' ? facts.sellerId : AGENTS,
  orderId: e.orderId,
  deadline: e.deadline,
  vars: { orderId: e.orderId },
});
