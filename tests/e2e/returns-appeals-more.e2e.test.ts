import { Topics } from '@bp/contracts';
import {
  act,
  answer,
  balances,
  confirmReceipt as requestConfirm,
  eventually,
  expectStatus,
  getDispute,
  getEscrow,
  getOrder,
  openDispute,
  parties,
  partnerSaw,
  partnerTypes,
  requestAction,
  sellerBalance as balanceOf,
  shippedOrder,
  usd,
  type ActionBody,
  type Parties,
} from './support/story';
import { useSystem } from './support/system';

// The harder ends of disputes (issue 7): fast refunds, return-shipping compensation, appeals after
// the money moved, and the appeal refusals. Dispute, escrow, order and seller balance must agree.
describe('more return and appeal stories', () => {
  const sys = useSystem();

  const appealBody: ActionBody<'appeal'> = {
    reason: 'RESOLUTION_NOT_ACCEPTED',
    subReasons: ['MESSAGE_HISTORY_SUFFICIENT'],
    statement: 'The chat shows the seller admitted the fault.',
    evidenceIds: [],
  };
  /** R7, R8: an appeal as is (the stories below expect refusals). */
  const appeal = async (caller: Parties['buyer'], disputeId: string, body: ActionBody<'appeal'> = appealBody) =>
    answer(await requestAction(caller, disputeId, 'appeal', body));

  const sellerBalance = (p: Parties) => balanceOf(p.seller);

  /** The buyer confirms receipt of a shipped order: completed, money released (O6, E3). */
  const confirmReceipt = async (p: Parties, orderId: string) => {
    const confirmed = expectStatus(await requestConfirm(p.buyer, orderId), 200, 'confirm receipt');
    expect(confirmed).toMatchObject({ status: 'completed', completionReason: 'CONFIRMED' });
    await sys.settle();
  };

  /** D6, D8: dispute opened on day 6, escalated on day 9, evidence window over on day 14. */
  const inArbitration = async (p: Parties, o: { goodsReceived?: boolean } = {}) => {
    const orderId = await shippedOrder(sys, p);
    await sys.advance('P6D');
    const { disputeId } = await openDispute(
      sys,
      p,
      orderId,
      o.goodsReceived ? { goodsReceived: true, reason: 'NOT_AS_DESCRIBED', type: 'RETURN_AND_REFUND' } : {},
    );
    await sys.advance('P3D');
    expect((await act(sys, p.buyer, disputeId, 'escalate')).status).toBe('in_arbitration');
    await sys.advance('P5D');
    expect((await getDispute(p.agent, disputeId)).status).toBe('awaiting_ruling');
    return { orderId, disputeId };
  };

  /** A ruling of 0 refund: everything released to the seller, the order completes. */
  const ruledForSeller = async (p: Parties) => {
    const { orderId, disputeId } = await inArbitration(p);
    const ruled = await act(sys, p.agent, disputeId, 'ruling', { refund: usd(0), returnRequired: false, note: 'Tracking shows delivery.' });
    expect(ruled).toMatchObject({ status: 'resolved', settlement: { refund: usd(0), settledBy: 'RULING' } });
    await partnerSaw(sys, orderId, 'marketplace.escrow.funds-released.v1');
    return { orderId, disputeId };
  };

  it('A4 buyer: refunded when the return tracking number is entered, the seller then reports damage -> arbitration (O12, R6, R4)', async () => {
    const p = parties(sys);
    // O12: $2,000 of completed spend makes the buyer A4.
    const big = await shippedOrder(sys, p, { amount: 200_000 });
    await confirmReceipt(p, big);
    const level = () => p.buyer.order.GET('/buyers/{buyerId}/level', { params: { path: { buyerId: p.buyer.sub } } });
    await eventually(async () => (await level()).data?.level === 'A4', 'the buyer is A4');
    expect(expectStatus(await level(), 200, 'level')).toMatchObject({ buyerId: p.buyer.sub, level: 'A4', completedSpendUsd: 2000 });
    await sys.awaitPartner(
      (e) =>
        e.ceType === 'marketplace.buyer.level-changed.v1' &&
        (e.data as { buyerId?: string; level?: string }).buyerId === p.buyer.sub &&
        (e.data as { level?: string }).level === 'A4',
    );
    await sys.settle(); // the dispute service has read the level (buyers.v1)

    const orderId = await shippedOrder(sys, p);
    await sys.advance('P6D');
    const { disputeId } = await openDispute(sys, p, orderId, { goodsReceived: true, reason: 'NOT_AS_DESCRIBED', type: 'RETURN_AND_REFUND' });
    expect((await act(sys, p.seller, disputeId, 'accept')).status).toBe('awaiting_return_shipment');

    const shipped = await act(sys, p.buyer, disputeId, 'return-shipment', { carrier: 'USPS', trackingNumber: 'RET-A4' });
    expect(shipped).toMatchObject({ status: 'return_in_transit', returnInfo: { fastRefunded: usd(5000) } });
    const granted = await partnerSaw(sys, orderId, 'marketplace.dispute.fast-refund-granted.v1');
    expect(granted.topic).toBe(Topics.disputes);
    expect(granted.data).toMatchObject({ disputeId, amount: usd(5000) });
    await partnerSaw(sys, orderId, 'marketplace.escrow.refund-completed.v1');
    // R6: the buyer has the money while the return is still in transit; the platform carries the risk.
    const advanced = await getEscrow(p.buyer, orderId);
    expect(advanced).toMatchObject({ refunded: usd(5000), held: usd(5000), released: usd(0), exposure: usd(5000) });
    expect(await getOrder(p.buyer, orderId)).toMatchObject({ status: 'shipped', disputeOpen: true });

    // R4: the seller reports the return damaged -> arbitration, expedited for an A4 buyer (D8).
    const reported = await act(sys, p.seller, disputeId, 'return-receipt', { condition: 'DAMAGED', note: 'The spout is broken.' });
    expect(reported.status).toBe('in_arbitration');
    expect((await partnerSaw(sys, orderId, 'marketplace.dispute.return-received.v1')).data).toMatchObject({ disputeId, condition: 'DAMAGED' });
    expect((await partnerSaw(sys, orderId, 'marketplace.dispute.escalated.v1')).data).toMatchObject({ disputeId, expedited: true });
    expect(partnerTypes(sys, orderId, Topics.disputes)).toEqual([
      'marketplace.dispute.opened.v1',
      'marketplace.dispute.return-requested.v1',
      'marketplace.dispute.return-shipped.v1',
      'marketplace.dispute.fast-refund-granted.v1',
      'marketplace.dispute.return-received.v1',
      'marketplace.dispute.escalated.v1',
    ]);
    // Nothing was refunded twice nor released while the outcome is open.
    expect(await getEscrow(p.buyer, orderId)).toMatchObject({ refunded: usd(5000), held: usd(5000), released: usd(0), exposure: usd(5000) });
    expect(await getOrder(p.buyer, orderId)).toMatchObject({ status: 'shipped', disputeOpen: true });
    expect(sys.partnerEvents({ subject: orderId }).filter((e) => e.ceType === 'marketplace.escrow.refund-requested.v1')).toHaveLength(1);
  });

  it('ruling with return-shipping compensation: the refund includes it, charged to the seller payable (R1, D8)', async () => {
    const p = parties(sys);
    const { orderId, disputeId } = await inArbitration(p, { goodsReceived: true });
    const ruled = await act(sys, p.agent, disputeId, 'ruling', {
      refund: usd(4000),
      returnRequired: true,
      returnShippingCompensation: usd(500),
      note: 'Return it; the seller pays the postage.',
    });
    expect(ruled.status).toBe('awaiting_return_shipment');
    expect((await partnerSaw(sys, orderId, 'marketplace.dispute.return-requested.v1')).data).toMatchObject({ disputeId });
    expect(await balances(p.buyer, orderId)).toMatchObject({ held: 5000, refunded: 0, released: 0 });

    expect((await act(sys, p.buyer, disputeId, 'return-shipment', { carrier: 'USPS', trackingNumber: 'RET-COMP' })).status).toBe('return_in_transit');
    expect(await balances(p.buyer, orderId)).toMatchObject({ held: 5000, refunded: 0 }); // A0 buyer: no fast refund
    const received = await act(sys, p.seller, disputeId, 'return-receipt', { condition: 'RECEIVED_OK' });
    expect(received).toMatchObject({ status: 'resolved', settlement: { refund: usd(4500), settledBy: 'RETURN_RECEIVED' } });

    expect((await partnerSaw(sys, orderId, 'marketplace.dispute.settled.v1')).data).toMatchObject({
      refund: usd(4500),
      returnShippingCompensation: usd(500),
      settledBy: 'RETURN_RECEIVED',
    });
    const debited = await partnerSaw(sys, orderId, 'marketplace.escrow.seller-debited.v1');
    expect(debited.data).toMatchObject({ sellerId: p.seller.sub, amount: usd(500), reason: 'RETURN_SHIPPING_COMPENSATION', disputeId });
    await partnerSaw(sys, orderId, 'marketplace.escrow.funds-released.v1');
    await eventually(
      async () => sys.partnerEvents({ subject: orderId }).filter((e) => e.ceType === 'marketplace.escrow.refund-completed.v1').length === 2,
      'both refunds completed',
    );
    const refunds = sys
      .partnerEvents({ subject: orderId })
      .filter((e) => e.ceType === 'marketplace.escrow.refund-completed.v1')
      .map((e) => (e.data as { amount: { amount: number } }).amount.amount);
    expect(refunds.sort((a, b) => a - b)).toEqual([500, 4000]);

    // 4,000 from the hold + 500 compensation; 1,000 released, the compensation netted from it.
    const escrow = await balances(p.buyer, orderId);
    expect(escrow).toEqual({ captured: 5000, held: 0, refunded: 4500, released: 500, commission: 0 });
    expect(await sellerBalance(p)).toEqual({ sellerId: p.seller.sub, balances: [usd(500)] });
    expect(await getOrder(p.buyer, orderId)).toMatchObject({ status: 'completed', completionReason: 'DISPUTE_SETTLED' });
    expect(await getDispute(p.buyer, disputeId)).toMatchObject({
      status: 'resolved',
      returnInfo: { shipment: expect.objectContaining({ trackingNumber: 'RET-COMP' }) },
    });
  });

  it('appeal overturned after release: the seller balance goes negative and the next release nets it (R7, R8, E5)', async () => {
    // E5 needs a commission to go below zero: with 0 bps the clawback only takes back what was released.
    const order = sys.services.order!;
    const before = order.ctx.policy;
    order.ctx.policy = { ...before, escrow: { ...before.escrow, commissionBps: 1000 } };
    try {
      const p = parties(sys);
      const { orderId, disputeId } = await ruledForSeller(p);
      expect(await balances(p.seller, orderId)).toEqual({ captured: 5000, held: 0, released: 4500, refunded: 0, commission: 500 });
      expect(await sellerBalance(p)).toEqual({ sellerId: p.seller.sub, balances: [usd(4500)] });
      expect(await getOrder(p.buyer, orderId)).toMatchObject({ status: 'completed', completionReason: 'DISPUTE_SETTLED' });

      await sys.advance('P14D'); // still inside the 15-day window (R7)
      const appealed = await act(sys, p.buyer, disputeId, 'appeal', appealBody);
      expect(appealed.status).toBe('appealed');
      expect((await partnerSaw(sys, orderId, 'marketplace.dispute.appeal-filed.v1')).data).toMatchObject({ disputeId });
      const decided = await act(sys, p.agent, disputeId, 'appeal/decision', { decision: 'OVERTURN', refund: usd(5000), note: 'The chat proves the fault.' });
      expect(decided.status).toBe('appeal_decided');

      expect((await partnerSaw(sys, orderId, 'marketplace.escrow.seller-debited.v1')).data).toMatchObject({
        sellerId: p.seller.sub,
        amount: usd(5000),
        reason: 'APPEAL_CLAWBACK',
        disputeId,
      });
      expect((await partnerSaw(sys, orderId, 'marketplace.escrow.refund-completed.v1')).data).toMatchObject({ amount: usd(5000), reason: 'APPEAL_OVERTURNED' });
      // The commission already taken is kept: 4,500 released − 5,000 clawed back.
      const escrow = await balances(p.seller, orderId);
      expect(escrow).toEqual({ captured: 5000, held: 0, released: -500, refunded: 5000, commission: 500 });
      expect(escrow.captured).toBe(escrow.refunded + escrow.released + escrow.commission); // E2
      expect(await sellerBalance(p)).toEqual({ sellerId: p.seller.sub, balances: [usd(-500)] });

      // An unrelated order of the same seller (another buyer) completes: its release nets the debt.
      const other: Parties = { ...p, buyer: sys.as('buyer', `${p.buyer.sub}-other`) };
      const next = await shippedOrder(sys, other);
      await confirmReceipt(other, next);
      await partnerSaw(sys, next, 'marketplace.escrow.funds-released.v1');
      expect(await balances(p.seller, next)).toEqual({ captured: 5000, held: 0, released: 4500, refunded: 0, commission: 500 });
      expect(await sellerBalance(p)).toEqual({ sellerId: p.seller.sub, balances: [usd(4500 - 5000 + 4500)] });
      // The first order's money is not moved a second time.
      expect(await balances(p.seller, orderId)).toMatchObject({ released: -500, refunded: 5000 });
    } finally {
      order.ctx.policy = before;
    }
  });

  it('a second appeal is refused, by the buyer or an agent for them (R8: APPEAL_ALREADY_FILED)', async () => {
    const p = parties(sys);
    const { orderId, disputeId } = await ruledForSeller(p);
    expect((await act(sys, p.buyer, disputeId, 'appeal', appealBody)).status).toBe('appealed');
    const again = await appeal(p.buyer, disputeId);
    expect(again).toMatchObject({ status: 409, body: { code: 'APPEAL_ALREADY_FILED' } });
    const byAgent = await appeal(p.agent, disputeId, { ...appealBody, onBehalfOf: p.buyer.sub });
    expect(byAgent).toMatchObject({ status: 409, body: { code: 'APPEAL_ALREADY_FILED' } });

    // Still refused once the first appeal is decided; the decision moved nothing (UPHOLD).
    expect((await act(sys, p.agent, disputeId, 'appeal/decision', { decision: 'UPHOLD', note: 'The ruling stands.' })).status).toBe('appeal_decided');
    expect(await appeal(p.buyer, disputeId)).toMatchObject({ status: 409, body: { code: 'APPEAL_ALREADY_FILED' } });
    await sys.settle();
    expect(sys.partnerEvents({ subject: orderId }).filter((e) => e.ceType === 'marketplace.dispute.appeal-filed.v1')).toHaveLength(1);
    expect(await balances(p.seller, orderId)).toEqual({ captured: 5000, held: 0, released: 5000, refunded: 0, commission: 0 });
    expect(await sellerBalance(p)).toEqual({ sellerId: p.seller.sub, balances: [usd(5000)] });
  });

  it('an appeal after the 15-day window is refused (R7: APPEAL_WINDOW_CLOSED)', async () => {
    const p = parties(sys);
    const { orderId, disputeId } = await ruledForSeller(p);
    await sys.advance('P15DT1M');
    const late = await appeal(p.buyer, disputeId);
    expect(late).toMatchObject({ status: 409, body: { code: 'APPEAL_WINDOW_CLOSED' } });
    const lateByAgent = await appeal(p.agent, disputeId, { ...appealBody, onBehalfOf: p.buyer.sub });
    expect(lateByAgent).toMatchObject({ status: 409, body: { code: 'APPEAL_WINDOW_CLOSED' } });
    await sys.settle();
    expect(await getDispute(p.buyer, disputeId)).toMatchObject({ status: 'resolved', settlement: { refund: usd(0), settledBy: 'RULING' } });
    expect(partnerTypes(sys, orderId, Topics.disputes)).not.toContain('marketplace.dispute.appeal-filed.v1');
    expect(await balances(p.seller, orderId)).toMatchObject({ held: 0, released: 5000, refunded: 0 });
  });
});
