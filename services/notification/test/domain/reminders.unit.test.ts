import { systemActor } from '@bp/contracts';
import { defaultPolicy } from '@bp/timers';
import {
  decideReminders,
  evolveReminders,
  initialReminderState,
  reminderDeadlines,
  type ReminderCommand,
  type ReminderEvent,
  type ReminderState,
} from '../../src/domain/reminders/reminders';
import { samples } from './samples';

const meta = (now: string) => ({ now, actor: systemActor() });
const observe = (ceType: string, now = '2026-01-01T00:00:00.000Z', data = samples[ceType]!): ReminderCommand => ({
  type: 'ObserveEvent',
  data: { orderId: 'o-1', ceType, data },
  meta: meta(now),
});
const fire = (kind: string, dueAt: string): ReminderCommand => ({ type: 'FireDeadline', data: { kind, dueAt }, meta: meta(dueAt) });
const run = (commands: ReminderCommand[], state: ReminderState = initialReminderState) => {
  let s = state;
  const all: ReminderEvent[] = [];
  for (const c of commands) {
    const events = decideReminders(c, s, defaultPolicy);
    all.push(...events);
    s = events.reduce(evolveReminders, s);
  }
  return { state: s, events: all };
};

describe('N2 reminders', () => {
  it('reminds the seller 24 h before the ship-by time, and only once', () => {
    const { state } = run([observe('marketplace.order.paid.v1')]);
    expect(reminderDeadlines(state)).toEqual([{ kind: 'ship', dueAt: '2026-01-07T01:00:00.000Z', actor: 'system', onExpiry: 'reminder_sent' }]);
    const fired = run([fire('ship', '2026-01-07T01:00:00.000Z'), fire('ship', '2026-01-07T01:00:00.000Z')], state);
    expect(fired.events).toEqual([{ type: 'ReminderSent', data: { orderId: 'o-1', reminder: 'ship', deadline: '2026-01-08T01:00:00.000Z', to: 'seller' } }]);
    expect(reminderDeadlines(fired.state)).toEqual([]);
  });

  it('does not send a reminder whose reason went away (the seller shipped)', () => {
    const { state, events } = run([observe('marketplace.order.paid.v1'), observe('marketplace.order.shipped.v1')]);
    expect(events.map((e) => e.type)).toEqual(['ReminderArmed', 'ReminderDisarmed', 'ReminderArmed']);
    expect(run([fire('ship', '2026-01-07T01:00:00.000Z')], state).events).toEqual([]);
  });

  it('protection ends in 3 days: re-armed when extended, the old time is stale', () => {
    const { state } = run([observe('marketplace.order.shipped.v1'), observe('marketplace.order.protection-extended.v1')]);
    expect(reminderDeadlines(state).map((d) => d.dueAt)).toEqual(['2026-03-15T00:00:00.000Z']);
    expect(run([fire('protection_ending', '2026-03-01T00:00:00.000Z')], state).events).toEqual([]);
    expect(run([fire('protection_ending', '2026-03-15T00:00:00.000Z')], state).events).toHaveLength(1);
  });

  it('24 h left to answer a dispute, cancelled by the counter-proposal', () => {
    const { state, events } = run([observe('marketplace.dispute.opened.v1'), observe('marketplace.dispute.counter-proposed.v1')]);
    expect(events[0]).toMatchObject({ type: 'ReminderArmed', data: { reminder: 'dispute_answer', at: '2026-01-14T00:00:00.000Z', to: 'seller' } });
    expect(reminderDeadlines(state)).toEqual([]);
  });

  it('2 days left to ship a return; SLA at risk goes to agents', () => {
    const { state } = run([observe('marketplace.dispute.return-requested.v1'), observe('marketplace.dispute.escalated.v1')]);
    expect(state.armed.return_ship).toEqual({ at: '2026-01-23T00:00:00.000Z', deadline: '2026-01-25T00:00:00.000Z', to: 'buyer' });
    expect(state.armed.sla_at_risk).toEqual({ at: '2026-01-31T00:00:00.000Z', deadline: '2026-02-02T00:00:00.000Z', to: 'agents' });
    expect(reminderDeadlines(run([observe('marketplace.dispute.settled.v1')], state).state)).toEqual([]);
  });

  it('24 h left to answer a dispute, cancelled when the seller accepts a return (the answer came)', () => {
    const { state } = run([observe('marketplace.dispute.opened.v1'), observe('marketplace.dispute.return-requested.v1')]);
    expect(Object.keys(state.armed)).toEqual(['return_ship']);
    expect(run([fire('dispute_answer', '2026-01-14T00:00:00.000Z')], state).events).toEqual([]);
  });

  it('SLA at risk is cancelled by a ruling that asks for a return or a resend (the agent ruled)', () => {
    for (const outcome of ['marketplace.dispute.return-requested.v1', 'marketplace.dispute.resend-agreed.v1']) {
      const { state } = run([observe('marketplace.dispute.escalated.v1'), observe(outcome)]);
      expect([outcome, state.armed.sla_at_risk]).toEqual([outcome, undefined]);
      expect(run([fire('sla_at_risk', '2026-01-31T00:00:00.000Z')], state).events).toEqual([]);
    }
  });

  describe('D9, N2: 24 h left to ship the replacement of a resend', () => {
    const agreed = 'marketplace.dispute.resend-agreed.v1';
    // The sample's shipBy is 2026-01-19T00:00Z; the lead is the ship reminder's 24 h.
    const at = '2026-01-18T00:00:00.000Z';

    it('D9, N2: armed for the seller at shipBy − 24 h when a resend is agreed or ruled, and sent once', () => {
      for (const given of [[], [observe('marketplace.dispute.escalated.v1')]]) {
        const { state } = run([...given, observe(agreed)]);
        expect(state.armed.resend_ship).toEqual({ at, deadline: '2026-01-19T00:00:00.000Z', to: 'seller' });
        const fired = run([fire('resend_ship', at), fire('resend_ship', at)], state);
        expect(fired.events).toEqual([
          { type: 'ReminderSent', data: { orderId: 'o-1', reminder: 'resend_ship', deadline: '2026-01-19T00:00:00.000Z', to: 'seller' } },
        ]);
      }
    });

    it('D9, N2: disarmed when the replacement ships, never sent after that', () => {
      const { state, events } = run([observe(agreed), observe('marketplace.dispute.resend-shipped.v1', '2026-01-15T00:00:00.000Z')]);
      expect(events.at(-1)).toEqual({ type: 'ReminderDisarmed', data: { orderId: 'o-1', reminder: 'resend_ship' } });
      expect(reminderDeadlines(state)).toEqual([]);
      expect(run([fire('resend_ship', at)], state).events).toEqual([]);
    });

    it.each(['marketplace.dispute.escalated.v1', 'marketplace.dispute.withdrawn.v1', 'marketplace.dispute.settled.v1', 'marketplace.order.closed.v1'])(
      'D9, N2: disarmed when the wait for the replacement ends (%s), never sent after that',
      (ceType) => {
        const { state } = run([observe(agreed), observe(ceType)]);
        expect(state.armed.resend_ship).toBeUndefined();
        expect(run([fire('resend_ship', at)], state).events).toEqual([]);
      },
    );
  });

  it('arms nothing for a deadline already past', () => {
    expect(run([observe('marketplace.order.paid.v1', '2026-02-01T00:00:00.000Z')]).events).toEqual([]);
  });

  it('a redelivered event arms nothing new', () => {
    const once = run([observe('marketplace.order.paid.v1')]);
    expect(run([observe('marketplace.order.paid.v1')], once.state).events).toEqual([]);
  });
});
