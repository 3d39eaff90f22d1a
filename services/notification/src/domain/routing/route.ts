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
  notices: (
    d: z.infer<S>,
    facts: OrderFacts,
  ) => { kind: NoticeKind; to: Party[]; deadline?: string | undefined; vars?: Record<string, TemplateValue | undefined> }[];
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
  'marketplace.order.protection-extension-lapsed.v1': rule(shape({}), () => [{ kind: 'extension_lapsed', to: ['buyer'] }]),
  'marketplace.order.completed.v1': rule(shape({ amount: MoneyShape }), (d) => [
    { kind: 'order_completed', to: ['buyer', 'seller'], vars: { amount: d.amount } },
  ]),
  'marketplace.order.cancelled.v1': rule(shape({}), () => [{ kind: 'order_cancelled', to: ['buyer', 'seller'] }]),
  'marketplace.order.closed.v1': rule(shape({ reason: z.string() }), (d) => [{ kind: 'order_closed', to: ['buyer', 'seller'], vars: { reason: d.reason } }]),
  // The deadline to pay again is the order's payment window (O2), kept in the order facts.
  'marketplace.escrow.payment-failed.v1': rule(shape({}), (_d, facts) => [{ kind: 'payment_failed', to: ['buyer'], deadline: facts.paymentDueAt }]),
  // Money moved back to the buyer (E4: a capture that could not be held), N1.
  'marketplace.escrow.payment-returned.v1': rule(shape({ amount: MoneyShape }), (d) => [
    { kind: 'payment_returned', to: ['buyer'], vars: { amount: d.amount } },
  ]),
  'marketplace.escrow.funds-released.v1': rule(shape({ netPayable: MoneyShape }), (d) => [
    { kind: 'funds_released', to: ['seller'], vars: { amount: d.netPayable } },
  ]),
  'marketplace.escrow.refund-completed.v1': rule(shape({ amount: MoneyShape }), (d) => [
    { kind: 'refund_completed', to: ['buyer'], vars: { amount: d.amount } },
  ]),
  'marketplace.escrow.seller-debited.v1': rule(shape({ amount: MoneyShape }), (d) => [{ kind: 'seller_debited', to: ['seller'], vars: { amount: d.amount } }]),
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
  'marketplace.dispute.return-requested.v1': rule(shape({ shipBy: z.string() }), (d) => [{ kind: 'return_requested', to: ['buyer'], deadline: d.shipBy }]),
  'marketplace.dispute.return-shipped.v1': rule(shape({ trackingNumber: z.string(), answerBy: z.string() }), (d) => [
    { kind: 'return_shipped', to: ['seller'], deadline: d.answerBy, vars: { trackingNumber: d.trackingNumber } },
  ]),
  'marketplace.dispute.fast-refund-granted.v1': rule(shape({ amount: MoneyShape }), (d) => [
    { kind: 'fast_refund_granted', to: ['buyer'], vars: { amount: d.amount } },
  ]),
  // D9: the seller ships the replacement by shipBy (agreed, or ruled by an agent: both sides hear it).
  'marketplace.dispute.resend-agreed.v1': rule(shape({ shipBy: z.string() }), (d) => [{ kind: 'resend_agreed', to: ['buyer', 'seller'], deadline: d.shipBy }]),
  'marketplace.dispute.resend-shipped.v1': rule(shape({ carrier: z.string(), trackingNumber: z.string() }), (d) => [
    { kind: 'resend_shipped', to: ['buyer'], vars: { carrier: d.carrier, trackingNumber: d.trackingNumber } },
  ]),
  'marketplace.dispute.appeal-filed.v1': rule(shape({}), () => [{ kind: 'appeal_filed', to: ['seller', 'agents'] }]),
  'marketplace.dispute.appeal-decided.v1': rule(shape({ decision: z.string() }), (d) => [
    { kind: 'appeal_decided', to: ['buyer', 'seller'], vars: { decision: d.decision } },
  ]),
  'marketplace.dispute.sla-breached.v1': rule(shape({ rulingDueAt: z.string() }), (d) => [{ kind: 'sla_breached', to: ['agents'], deadline: d.rulingDueAt }]),
  // S1: an appeal's decision SLA missed: the same ops alert as a missed ruling SLA (D8).
  'marketplace.dispute.appeal-sla-breached.v1': rule(shape({ decideBy: z.string() }), (d) => [{ kind: 'sla_breached', to: ['agents'], deadline: d.decideBy }]),
};

/**
 * Public events that tell nobody anything, each with the reason (N1: nobody must act and no money
 * moved that another notice does not already report). Tested: every public event the service
 * consumes is either routed or listed here, so a new upstream event cannot be ignored by accident.
 */
export const silentEvents: Record<string, string> = {
  'marketplace.order.protection-suspended.v1': 'the dispute_opened notice tells the seller; the buyer opened it',
  'marketplace.order.protection-ended.v1': 'S3 handshake: order_completed tells the parties once the dispute service acknowledged',
  'marketplace.dispute.protection-end-acknowledged.v1': 'S3 handshake: order_completed (or the open dispute) tells the parties',
  'marketplace.order.protection-resumed.v1': 'dispute_withdrawn / resend_shipped tell the parties; the protection-ending reminder is re-armed',
  'marketplace.order.review-posted.v1': 'reviews (O11) are not notices',
  'marketplace.order.review-replied.v1': 'reviews (O11) are not notices',
  'marketplace.order.review-published.v1': 'reviews (O11) are not notices',
  'marketplace.order.buyer-rated.v1': 'reviews and ratings (O11) are not notices',
  'marketplace.dispute.protection-extension-agreed.v1': 'O8: nobody must act and no money moves; the order keeps its protection (protection-resumed)',
  'marketplace.escrow.payment-captured.v1': 'order_paid tells the seller to ship; the buyer just paid',
  'marketplace.escrow.refund-requested.v1': 'refund_completed tells the buyer once the money arrived',
  'marketplace.dispute.return-received.v1': 'always followed by dispute_settled (R3) or dispute_escalated (R4)',
  'marketplace.buyer.points-earned.v1': 'points for a confirmed receipt (O11) show on the buyer level view; the buyer just confirmed, nobody must act',
};

/** buyers.v1 is keyed by buyer, not order: its notice goes to that buyer. */
const levelChanged = z.looseObject({ buyerId: z.string(), level: z.string() });

const recipientOf = (party: Party, facts: OrderFacts): string => (party === 'buyer' ? facts.buyerId : party === 'seller' ? facts.sellerId : AGENTS);

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
  return r.notices(d, facts).flatMap((n) =>
    n.to.map((party) => ({
      kind: n.kind,
      recipientId: recipientOf(party, facts),
      orderId: d.orderId,
      ...(n.deadline ? { deadline: n.deadline } : {}),
      vars: { orderId: d.orderId, ...defined(n.vars) },
    })),
  );
};
