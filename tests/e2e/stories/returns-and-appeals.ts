import { Topics } from '@bp/contracts';
import {
  act,
  balances,
  getDispute,
  getOrder,
  inboxKinds,
  openDispute,
  parties,
  partnerSaw,
  partnerTypes,
  sellerBalance,
  shippedOrder,
  story,
  type StoryDef,
  usd,
} from '../support/story';
import type { E2eSystem } from '../support/system';

// Disputes that move goods (returns, resends) or money twice (an appeal overturning a ruling).
// Run in-process by ../returns-and-appeals.e2e.test.ts, and under service kills by ../crash/stories-under-kill.e2e.test.ts.

/** D4, R1: a return-and-refund dispute the seller accepted; the buyer has 10 days to ship it back. */
const returnAgreed = async (sys: E2eSystem) => {
  const p = parties(sys);
  const orderId = await shippedOrder(sys, p);
  await sys.advance('P6D');
  const { disputeId } = await openDispute(sys, p, orderId, { goodsReceived: true, reason: 'NOT_AS_DESCRIBED', type: 'RETURN_AND_REFUND' });
  const agreed = await act(sys, p.seller, disputeId, 'accept');
  expect(agreed).toMatchObject({ status: 'awaiting_return_shipment', deadlines: [expect.objectContaining({ kind: 'return_shipment', actor: 'buyer' })] });
  await partnerSaw(sys, orderId, 'marketplace.dispute.return-requested.v1');
  return { p, orderId, disputeId };
};

export const returnStories: readonly StoryDef[] = [
  story('return and refund with the seller silent 30 days after the return shipped (R1, R3)', async (sys) => {
    const { p, orderId, disputeId } = await returnAgreed(sys);
    const shipped = await act(sys, p.buyer, disputeId, 'return-shipment', { carrier: 'USPS', trackingNumber: 'RET-1' });
    expect(shipped.status).toBe('return_in_transit');
    expect(await inboxKinds(p.seller, orderId)).toEqual(expect.arrayContaining(['return_shipped']));
    await sys.advance('P29D');
    expect((await getDispute(p.buyer, disputeId)).status).toBe('return_in_transit');
    await sys.advance('P1D');
    expect(await getDispute(p.buyer, disputeId)).toMatchObject({ status: 'resolved', settlement: { refund: usd(5000), settledBy: 'RETURN_UNANSWERED' } });
    expect(await balances(p.buyer, orderId)).toMatchObject({ held: 0, refunded: 5000, released: 0 });
    expect(await getOrder(p.buyer, orderId)).toMatchObject({ status: 'closed', closedReason: 'REFUNDED' });
    expect(partnerTypes(sys, orderId, Topics.disputes)).toEqual([
      'marketplace.dispute.opened.v1',
      'marketplace.dispute.return-requested.v1',
      'marketplace.dispute.return-shipped.v1',
      'marketplace.dispute.settled.v1',
    ]);
    await partnerSaw(sys, orderId, 'marketplace.escrow.refund-completed.v1');
    expect(await inboxKinds(p.buyer, orderId)).toEqual(expect.arrayContaining(['return_requested', 'dispute_settled', 'refund_completed']));
  }),

  story('return missed: the buyer does not ship the return in 10 days, the money goes to the seller (R2)', async (sys) => {
    const { p, orderId, disputeId } = await returnAgreed(sys);
    await sys.advance('P10D');
    expect(await getDispute(p.buyer, disputeId)).toMatchObject({ status: 'resolved', settlement: { refund: usd(0), settledBy: 'RETURN_MISSED' } });
    expect(await balances(p.seller, orderId)).toMatchObject({ held: 0, refunded: 0, released: 5000 });
    expect(await getOrder(p.buyer, orderId)).toMatchObject({ status: 'completed', completionReason: 'DISPUTE_SETTLED' });
    expect((await partnerSaw(sys, orderId, 'marketplace.dispute.settled.v1')).data).toMatchObject({ settledBy: 'RETURN_MISSED', releaseRemainder: true });
    await partnerSaw(sys, orderId, 'marketplace.escrow.funds-released.v1');
    expect(await inboxKinds(p.buyer, orderId)).toEqual(expect.arrayContaining(['reminder_return_ship', 'dispute_settled']));
  }),

  story('resend: the seller ships a replacement, protection is extended and the order later completes (D9)', async (sys) => {
    const p = parties(sys);
    const orderId = await shippedOrder(sys, p, { protectionDays: 15 });
    const originalEnd = (await getOrder(p.buyer, orderId)).protectionEndsAt as string;
    await sys.advance('P6D');
    const { disputeId } = await openDispute(sys, p, orderId);
    await act(sys, p.seller, disputeId, 'counter-proposals', { solution: { type: 'RESEND' }, message: 'Sending a new one today.', evidenceIds: [] });
    expect((await act(sys, p.buyer, disputeId, 'accept')).status).toBe('awaiting_resend');
    const resent = await act(sys, p.seller, disputeId, 'resend-shipment', { carrier: 'DHL', trackingNumber: 'NEW-1' });
    expect(resent.status).toBe('resolved');

    const order = await getOrder(p.buyer, orderId);
    expect(order).toMatchObject({ status: 'shipped', disputeOpen: false, protectionSuspended: false });
    expect(Date.parse(order.protectionEndsAt!) - Date.parse(originalEnd)).toBe(15 * 86_400_000); // D9
    expect(await balances(p.buyer, orderId)).toMatchObject({ held: 5000, released: 0, refunded: 0 });
    expect((await partnerSaw(sys, orderId, 'marketplace.dispute.resend-shipped.v1')).data).toMatchObject({ disputeId, trackingNumber: 'NEW-1', extendBy: 15 });
    await partnerSaw(sys, orderId, 'marketplace.order.protection-resumed.v1');
    expect(await inboxKinds(p.buyer, orderId)).toEqual(expect.arrayContaining(['resend_shipped']));

    await sys.advance('P24D');
    expect(await getOrder(p.buyer, orderId)).toMatchObject({ status: 'completed', completionReason: 'AUTO_CONFIRMED' });
    expect(await balances(p.seller, orderId)).toMatchObject({ held: 0, released: 5000 });
  }),

  story('appeal overturned with clawback: a ruling for the seller is reversed, the seller is debited (R7, R8, E5)', async (sys) => {
    const p = parties(sys);
    const orderId = await shippedOrder(sys, p);
    await sys.advance('P6D');
    const { disputeId } = await openDispute(sys, p, orderId);
    await sys.advance('P3D');
    await act(sys, p.buyer, disputeId, 'escalate');
    await sys.advance('P5D');
    const ruled = await act(sys, p.agent, disputeId, 'ruling', { refund: usd(0), returnRequired: false, note: 'Tracking shows delivery.' });
    expect(ruled).toMatchObject({ status: 'resolved', settlement: { refund: usd(0), settledBy: 'RULING' } });
    expect(await balances(p.seller, orderId)).toMatchObject({ held: 0, released: 5000, refunded: 0 });
    expect(await getOrder(p.buyer, orderId)).toMatchObject({ status: 'completed', completionReason: 'DISPUTE_SETTLED' });

    const appealed = await act(sys, p.buyer, disputeId, 'appeal', {
      reason: 'RESOLUTION_NOT_ACCEPTED',
      subReasons: [],
      statement: 'The neighbour has no parcel; the photo is of another door.',
      evidenceIds: [],
    });
    expect(appealed.status).toBe('appealed');
    const decided = await act(sys, p.agent, disputeId, 'appeal/decision', {
      decision: 'OVERTURN',
      refund: usd(5000),
      note: 'Photo is of a different address.',
    });
    expect(decided.status).toBe('appeal_decided');

    const escrow = await balances(p.buyer, orderId);
    expect(escrow.refunded).toBe(5000);
    expect(escrow.captured).toBe(escrow.refunded + escrow.released + escrow.commission); // E2
    // E5: the release is taken back from the seller's payable balance (here to zero; it may go negative).
    expect(await sellerBalance(p.seller)).toEqual({ sellerId: p.seller.sub, balances: [usd(0)] });
    expect((await partnerSaw(sys, orderId, 'marketplace.dispute.appeal-decided.v1')).data).toMatchObject({ decision: 'OVERTURN', refund: usd(5000) });
    expect((await partnerSaw(sys, orderId, 'marketplace.escrow.seller-debited.v1')).data).toMatchObject({ sellerId: p.seller.sub, amount: usd(5000) });
    await partnerSaw(sys, orderId, 'marketplace.escrow.refund-completed.v1');
    expect(await inboxKinds(p.seller, orderId)).toEqual(expect.arrayContaining(['appeal_filed', 'appeal_decided', 'seller_debited']));
    expect(await inboxKinds(p.buyer, orderId)).toEqual(expect.arrayContaining(['appeal_decided', 'refund_completed']));
  }),
];
