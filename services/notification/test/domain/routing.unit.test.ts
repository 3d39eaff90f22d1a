import { publicRegistry, Topics } from '@bp/contracts';
import { AGENTS, NoticeKinds } from '../../src/domain/notices/kinds';
import { reminderNotice, ReminderKinds } from '../../src/domain/reminders/reminders';
import { route, routes, silentEvents } from '../../src/domain/routing/route';
import { Locales } from '../../src/domain/templates/catalog';
import { catalogs } from '../../src/domain/templates/render';
import { facts, samples } from './samples';

// N1: who is told what, with which deadline, for every public event the service consumes.
const expected: Record<string, [kind: string, recipients: string[], deadline?: string][]> = {
  'marketplace.order.placed.v1': [['order_placed', ['buyer-1'], '2026-01-02T00:00:00.000Z']],
  'marketplace.order.paid.v1': [['order_paid', ['seller-1'], '2026-01-08T01:00:00.000Z']],
  'marketplace.order.shipped.v1': [['order_shipped', ['buyer-1']]],
  'marketplace.order.delivered.v1': [['order_delivered', ['buyer-1']]],
  'marketplace.order.protection-extension-requested.v1': [['extension_requested', ['seller-1'], '2026-01-13T00:00:00.000Z']],
  'marketplace.order.protection-extended.v1': [['extension_approved', ['buyer-1']]],
  'marketplace.order.protection-extension-declined.v1': [['extension_declined', ['buyer-1']]],
  'marketplace.order.protection-extension-lapsed.v1': [['extension_lapsed', ['buyer-1']]],
  'marketplace.order.completed.v1': [['order_completed', ['buyer-1', 'seller-1']]],
  'marketplace.order.cancelled.v1': [['order_cancelled', ['buyer-1', 'seller-1']]],
  'marketplace.order.closed.v1': [['order_closed', ['buyer-1', 'seller-1']]],
  'marketplace.escrow.payment-failed.v1': [['payment_failed', ['buyer-1'], '2026-01-02T00:00:00.000Z']], // the order's payment window
  'marketplace.escrow.payment-returned.v1': [['payment_returned', ['buyer-1']]],
  'marketplace.escrow.funds-released.v1': [['funds_released', ['seller-1']]],
  'marketplace.escrow.refund-completed.v1': [['refund_completed', ['buyer-1']]],
  'marketplace.escrow.seller-debited.v1': [['seller_debited', ['seller-1']]],
  'marketplace.dispute.opened.v1': [['dispute_opened', ['seller-1'], '2026-01-15T00:00:00.000Z']],
  'marketplace.dispute.counter-proposed.v1': [['dispute_counter_proposed', ['buyer-1'], '2026-01-27T00:00:00.000Z']],
  'marketplace.dispute.proposal-edited.v1': [['dispute_proposal_edited', ['seller-1'], '2026-01-20T00:00:00.000Z']],
  'marketplace.dispute.escalated.v1': [['dispute_escalated', ['buyer-1', 'seller-1', AGENTS], '2026-01-18T00:00:00.000Z']],
  'marketplace.dispute.withdrawn.v1': [['dispute_withdrawn', ['seller-1']]],
  'marketplace.dispute.settled.v1': [['dispute_settled', ['buyer-1', 'seller-1']]],
  'marketplace.dispute.return-requested.v1': [['return_requested', ['buyer-1'], '2026-01-25T00:00:00.000Z']],
  'marketplace.dispute.return-shipped.v1': [['return_shipped', ['seller-1'], '2026-02-20T00:00:00.000Z']],
  'marketplace.dispute.fast-refund-granted.v1': [['fast_refund_granted', ['buyer-1']]],
  'marketplace.dispute.resend-agreed.v1': [['resend_agreed', ['buyer-1', 'seller-1'], '2026-01-19T00:00:00.000Z']],
  'marketplace.dispute.resend-shipped.v1': [['resend_shipped', ['buyer-1']]],
  'marketplace.dispute.appeal-filed.v1': [['appeal_filed', ['seller-1', AGENTS]]],
  'marketplace.dispute.appeal-decided.v1': [['appeal_decided', ['buyer-1', 'seller-1']]],
  'marketplace.dispute.sla-breached.v1': [['sla_breached', [AGENTS], '2026-02-02T00:00:00.000Z']],
  'marketplace.dispute.appeal-sla-breached.v1': [['sla_breached', [AGENTS], '2026-02-12T00:00:00.000Z']], // S1
};

describe('N1 routing: who gets what, with which deadline', () => {
  it('covers every routed event type, and only those', () => {
    expect(Object.keys(routes).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s', (ceType, notices) => {
    const drafts = route(ceType, samples[ceType], facts);
    const want = notices.flatMap(([kind, recipients, deadline]) => recipients.map((recipientId) => ({ kind, recipientId, deadline })));
    expect(drafts.map((d) => ({ kind: d.kind, recipientId: d.recipientId, deadline: d.deadline }))).toEqual(want);
    for (const d of drafts) expect(d.orderId).toBe('o-1');
  });

  it('tells the buyer about a new club level (buyers.v1, keyed by buyer)', () => {
    expect(route('marketplace.buyer.level-changed.v1', { buyerId: 'buyer-9', level: 'A3' }, undefined)).toEqual([
      { kind: 'buyer_level_changed', recipientId: 'buyer-9', orderId: '', vars: { level: 'A3' } },
    ]);
  });

  it('ignores events nobody needs to hear about', () => {
    expect(route('marketplace.escrow.payment-captured.v1', { orderId: 'o-1' }, facts)).toEqual([]);
  });

  it('N1: every public event of a consumed topic is routed or silent for a stated reason, never both', () => {
    const consumed: string[] = [Topics.orders, Topics.escrow, Topics.disputes, Topics.buyers];
    const types = publicRegistry()
      .all()
      .filter((d) => d.ceType && d.topic && consumed.includes(d.topic))
      .map((d) => d.ceType!);
    const handled = (t: string) => t in routes || t in silentEvents || t === 'marketplace.buyer.level-changed.v1';
    expect(types.filter((t) => !handled(t))).toEqual([]);
    expect(Object.keys(silentEvents).filter((t) => t in routes || !types.includes(t))).toEqual([]);
    for (const t of Object.keys(silentEvents)) expect(route(t, { orderId: 'o-1' }, facts)).toEqual([]);
  });

  it('N1: every notice that asks for action names its deadline, in every locale', () => {
    const drafts = [
      ...Object.entries(samples).flatMap(([ceType, data]) => route(ceType, data, facts)),
      ...ReminderKinds.map((reminder) => reminderNotice({ orderId: 'o-1', reminder, deadline: '2026-03-04T00:00:00.000Z', to: 'buyer' }, facts)),
    ];
    const undated = drafts.filter((d) => NoticeKinds[d.kind].actionable && !d.deadline).map((d) => d.kind);
    expect(undated).toEqual([]);
    const actionable = Object.entries(NoticeKinds)
      .filter(([, k]) => k.actionable)
      .map(([kind]) => kind as keyof typeof NoticeKinds);
    const silentTemplates = Locales.flatMap((l) => actionable.filter((k) => !catalogs[l][k]?.body?.includes('{deadline}')).map((k) => `${l}:${k}`));
    expect(silentTemplates).toEqual([]);
  });

  it('refuses an event that lost a field it needs, instead of sending a notice with holes', () => {
    expect(() => route('marketplace.dispute.opened.v1', { orderId: 'o-1' }, facts)).toThrow();
  });
});
