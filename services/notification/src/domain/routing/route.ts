import { z } from 'zod';
import { AGENTS, type NoticeDraft, type NoticeKind, type TemplateValue } from '../notices/kinds';
import type { OrderFacts } from './order-facts';

/**
 * Who is told what (N1), as a pure function per public event: `route(ceType, data, facts)`. Each
 * rule declares the fields it reads (a loose zod schema: the producer may add fields) so a change
 * upstream fails here loudly instead of sending a notice with holes.
 */
const MoneyShape = z.object({ amount: z.number(), currency: z.string() });
type Party = 'buyer' | 'seller' | 'agents';

interface Rule<S extends z.ZodType> {
  needs: S;
  notices: (d: z.infer<S>) => { kind: NoticeKind; to: Party[]; deadline?: string | undefined; vars?: Record<string, TemplateValue | undefined> }[];
}
const rule = <S extends z.ZodType>(needs: S, notices: Rule<S>['notices']): Rule<z.ZodType> => ({ needs, notices }) as Rule<z.ZodType>;
const shape = <T extends z.ZodRawShape>(fields: T) => z.looseObject({ orderId: z.string(), ...fields });

export const routes: Record<string, Rule<z.ZodType>> = {
  'marketplace.order.placed.v1': rule(shape({ total: MoneyShape, paymentDueAt: z.string() }), (d) => [
    { kind: 'order_placed', to: ['buyer'], deadline: d.paymentDueAt, vars: { total: d.total } },
  ]),
  'marketplace.order.paid.v1': rule(shape({ amount: MoneyShape, shipBy: z.string() }), (d) => [
    { kind: 'order_paid', to: ['seller'], deadline: d.shipBy, vars: { amount: d.amount } },
  ]),
  'marketplace.order.shipped.v1': rule(shape({ carrier: z.string(), trackingNumber: z.string(), protectionEndsAt: z.string() }), (d) => [
    { kind: 'order_shipped', to: ['buyer'], vars: { carrier: d.carrier, trackingNumber: d.trackingNumber, protectionEndsAt: d.protectionEndsAt } },
  ]),
  'marketplace.order.delivered.v1': rule(shape({ deliveredAt: z.string() }), () => [{ kind: 'order_delivered', to: ['buyer'] }]),
  'marketplace.order.protection-extension-requested.v1': rule(shape({ days: z.number(), respondBy: z.string() }), (d) => [
    { kind: 'extension_requested', to: ['seller'], deadline: d.respondBy, vars: { days: d.days } },
  ]),
  'marketplace.order.protection-extended.v1': rule(shape({ days: z.number(), protectionEndsAt: z.string() }), (d) => [
    { kind: 'extension_approved', to: ['buyer'], vars: { days: d.days, protectionEndsAt: d.protectionEndsAt } },
  ]),
  'marketplace.order.protection-extension-declined.v1': rule(shape({}), () => [{ kind: 'extension_declined', to: ['buyer'] }]),
  'marketplace.order.completed.v1': rule(shape({ amount: MoneyShape }), (d) => [
    { kind: 'order_completed', to: ['buyer', 'seller'], vars: { amount: d.amount } },
  ]),
  'marketplace.order.cancelled.v1': rule(shape({}), () => [{ kind: 'order_cancelled', to: ['buyer', 'seller'] }]),
  'marketplace.order.closed.v1': rule(shape({ reason: z.string() }), (d) => [{ kind: 'order_closed', to: ['buyer', 'seller'], vars: { reason: d.reason } }]),
  'marketplace.escrow.payment-failed.v1': rule(shape({}), () => [{ kind: 'payment_failed', to: ['buyer'] }]),
  'marketplace.escrow.funds-released.v1': rule(shape({ netPayable: MoneyShape }), (d) => [
    { kind: 'funds_released', to: ['seller'], vars: { amount: d.netPayable } },
  ]),
  'marketplace.escrow.refund-completed.v1': rule(shape({ amount: MoneyShape }), (d) => [
    { kind: 'refund_completed', to: ['buyer'], vars: { amount: d.amount } },
  ]),
  'marketplace.escrow.seller-debited.v1': rule(shape({ amount: MoneyShape }), (d) => [
    { kind: 'seller_debited', to: ['seller'], vars: { amount: d.amount } },
  ]),
  'marketplace.dispute.opened.v1': rule(shape({ sellerRespondBy: z.string() }), (d) => [
    { kind: 'dispute_opened', to: ['seller'], deadline: d.sellerRespondBy },
  ]),
  'marketplace.dispute.counter-proposed.v1': rule(shape({ respondBy: z.string() }), (d) => [
    { kind: 'dispute_counter_proposed', to: ['buyer'], deadline: d.respondBy },
  ]),
  'marketplace.dispute.proposal-edited.v1': rule(shape({ respondBy: z.string() }), (d) => [
    { kind: 'dispute_proposal_edited', to: ['seller'], deadline: d.respondBy },
  ]),
  'marketplace.dispute.escalated.v1': rule(shape({ evidenceDueAt: z.string() }), (d) => [
    { kind: 'dispute_escalated', to: ['buyer', 'seller', 'agents'], deadline: d.evidenceDueAt },
  ]),
  'marketplace.dispute.withdrawn.v1': rule(shape({}), () => [{ kind: 'dispute_withdrawn', to: ['seller'] }]),
  'marketplace.dispute.settled.v1': rule(shape({ refund: MoneyShape }), (d) => [
    { kind: 'dispute_settled', to: ['buyer', 'seller'], vars: { refund: d.refund } },
  ]),
  'marketplace.dispute.return-requested.v1': rule(shape({ shipBy: z.string() }), (d) => [
    { kind: 'return_requested', to: ['buyer'], deadline: d.shipBy },
  ]),
  'marketplace.dispute.return-shipped.v1': rule(shape({ trackingNumber: z.string(), answerBy: z.string().optional() }), (d) => [
    { kind: 'return_shipped', to: ['seller'], deadline: d.answerBy, vars: { trackingNumber: d.trackingNumber } },
  ]),
  'marketplace.dispute.fast-refund-granted.v1': rule(shape({ amount: MoneyShape }), (d) => [
    { kind: 'fast_refund_granted', to: ['buyer'], vars: { amount: d.amount } },
  ]),
  'marketplace.dispute.resend-shipped.v1': rule(shape({ carrier: z.string(), trackingNumber: z.string() }), (d) => [
    { kind: 'resend_shipped', to: ['buyer'], vars: { carrier: d.carrier, trackingNumber: d.trackingNumber } },
  ]),
  'marketplace.dispute.appeal-filed.v1': rule(shape({}), () => [{ kind: 'appeal_filed', to: ['seller', 'agents'] }]),
  'marketplace.dispute.appeal-decided.v1': rule(shape({ decision: z.string() }), (d) => [
    { kind: 'appeal_decided', to: ['buyer', 'seller'], vars: { decision: d.decision } },
  ]),
  'marketplace.dispute.sla-breached.v1': rule(shape({ rulingDueAt: z.string() }), (d) => [
    { kind: 'sla_breached', to: ['agents'], deadline: d.rulingDueAt },
  ]),
};

/** buyers.v1 is keyed by buyer, not order: its notice goes to that buyer. */
const levelChanged = z.looseObject({ buyerId: z.string(), level: z.string() });

const recipientOf = (party: Party, facts: OrderFacts): string =>
  party === 'buyer' ? facts.buyerId : party === 'seller' ? facts.sellerId : AGENTS;

const defined = (vars: Record<string, TemplateValue | undefined> = {}): Record<string, TemplateValue> =>
  Object.fromEntries(Object.entries(vars).filter((e): e is [string, TemplateValue] => e[1] !== undefined));

/** Notices for one public event; [] for events nobody needs to hear about. */
export const route = (ceType: string, data: unknown, facts: OrderFacts | undefined): NoticeDraft[] => {
  if (ceType === 'marketplace.buyer.level-changed.v1') {
    const d = levelChanged.parse(data);
    return [{ kind: 'buyer_level_changed', recipientId: d.buyerId, orderId: '', vars: { level: d.level } }];
  }
  const r = routes[ceType];
  if (!r) return [];
  if (!facts) throw new Error(`no order facts for ${ceType}: OrderPlaced must be seen first`);
  const d = r.needs.parse(data) as { orderId: string };
  return r.notices(d).flatMap((n) =>
    n.to.map((party) => ({
      kind: n.kind,
      recipientId: recipientOf(party, facts),
      orderId: d.orderId,
      ...(n.deadline ? { deadline: n.deadline } : {}),
      vars: { orderId: d.orderId, ...defined(n.vars) },
    })),
  );
};
