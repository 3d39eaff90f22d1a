import { addDuration } from '@bp/timers';
import type { DisputeOrderFacts } from '../order-facts/facts';
import type { OpenDispute } from './commands';
import type { DisputeState } from './dispute';
import { refuse } from './errors';
import type { DisputeEvent, DisputeTerms } from './events';
import { buyerProposalOf, checkBuyerProposal, checkExtensionProposal, imagesIn, threadEntry } from './emit';
import { checkReason } from './form';

const before = (a: string, b: string): boolean => Date.parse(a) < Date.parse(b);

/** D1: who may open, on which order, and when. Each refusal has its own code. */
const checkOrder = (f: DisputeOrderFacts, c: OpenDispute): void => {
  const { now, actor } = c.meta;
  if (actor.role !== 'buyer') refuse('ROLE_NOT_ALLOWED', 'D1: only the buyer opens a dispute');
  if (f.orderId !== c.data.orderId) refuse('ORDER_NOT_FOUND', 'no such order');
  if (f.buyerId !== actor.id) refuse('NOT_ORDER_BUYER', 'no such order'); // HTTP: 404, never reveal it
  if (f.status === 'completed') refuse('ORDER_ALREADY_CONFIRMED', 'O6: receipt was confirmed; no dispute afterwards');
  if (f.status === 'closed') refuse('ORDER_CLOSED', 'the order is closed');
  if (f.status !== 'shipped' || f.shippedAt === null) refuse('ORDER_NOT_SHIPPED', 'D1: only a shipped order can be disputed');
  if (f.openDisputeId !== null && f.openDisputeId !== c.data.disputeId) refuse('DISPUTE_ALREADY_OPEN', 'D1: a dispute is already open on this order');
  // D12: withdraw-and-reopen is bounded (withdrawn disputes count).
  if (f.disputeCount >= f.policy.dispute.maxDisputesPerOrder) {
    refuse('DISPUTE_LIMIT_REACHED', 'D12: no more disputes on this order', { maxDisputesPerOrder: f.policy.dispute.maxDisputesPerOrder });
  }
  if (f.settledDisputeId !== null)
    refuse('DISPUTE_ALREADY_SETTLED', 'R5: a dispute already settled this order; its outcome can only be appealed (R7)', { disputeId: f.settledDisputeId });
  // S3: once the order's ProtectionEnded was acknowledged, no dispute opens, whatever the copied end says.
  const protectedNow = !f.protectionEnded && (f.protectionSuspended || (f.protectionEndsAt !== null && before(now, f.protectionEndsAt)));
  if (!protectedNow) refuse('PROTECTION_EXPIRED', 'D1: the protection period is over');
  // D1: not before 6 days (policy) after shipment, unless delivery was reported (O10).
  if (f.deliveredAt === null && before(now, addDuration(f.shippedAt!, f.policy.dispute.openNotBefore))) {
    refuse('DISPUTE_TOO_EARLY', 'D1: too early after shipment', { openableFrom: addDuration(f.shippedAt!, f.policy.dispute.openNotBefore) });
  }
};

const termsOf = (f: DisputeOrderFacts, disputeId: string): DisputeTerms => ({
  disputeId,
  orderId: f.orderId,
  paid: f.paid,
  protectionDays: f.protectionDays,
  policy: f.policy,
  buyerLevel: f.buyerLevel,
  expeditedLevels: f.expeditedLevels,
  extensionRefused: f.extensionRefused,
});

/** D1, D2: open a dispute with the buyer's proposal; the seller has the response window (D4). */
export const openDispute = (c: OpenDispute, state: DisputeState): DisputeEvent[] => {
  if (state.status !== 'none') {
    const same = state.orderId === c.data.orderId && state.buyerId === c.meta.actor.id;
    return same ? [] : refuse('DISPUTE_ID_TAKEN', 'this dispute id is in use');
  }
  const f = c.data.order;
  checkOrder(f, c);
  checkReason(c.data.reason, c.data.goodsReceived);
  const sol = c.data.solution;
  if (sol.type === 'EXTEND_PROTECTION') checkExtensionProposal(f, f.extensionRefused, sol.days);
  else checkBuyerProposal(f, c.data.goodsReceived, sol, imagesIn(null, c.data.evidence, c.meta.actor.id));
  const terms = termsOf(f, c.data.disputeId);
  const { now, actor } = c.meta;
  const proposal = buyerProposalOf(`${c.data.disputeId}-p1`, f.paid, sol);
  const opened: DisputeEvent = {
    type: 'DisputeOpened',
    data: {
      disputeId: c.data.disputeId,
      orderId: f.orderId,
      buyerId: f.buyerId,
      sellerId: f.sellerId,
      reason: c.data.reason,
      goodsReceived: c.data.goodsReceived,
      proposal,
      openedAt: now,
      sellerRespondBy: addDuration(now, f.policy.dispute.sellerResponseWindow),
    },
  };
  const entry = threadEntry({ ...terms, thread: [] }, 'OPENING', actor, now, c.data.description, c.data.evidence);
  return [{ type: 'DisputeTermsRecorded', data: terms }, opened, ...entry];
};
