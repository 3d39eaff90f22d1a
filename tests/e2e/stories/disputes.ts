import { Topics } from '@bp/contracts';
import {
  act,
  balances,
  expectStatus,
  getDispute,
  getOrder,
  inboxKinds,
  keyed,
  openDispute,
  parties,
  partnerSaw,
  partnerTypes,
  requestAction,
  shippedOrder,
  story,
  type StoryDef,
  usd,
} from '../support/story';

// Disputes settled by silence, agreement or ruling: dispute, order and escrow must agree.
// Run in-process by ../disputes.e2e.test.ts, and under service kills by ../crash/stories-under-kill.e2e.test.ts.
export const disputeStories: readonly StoryDef[] = [
  story("seller silent on a dispute: after 5 days the buyer's full refund is accepted by the system (D4, R5)", async (sys) => {
    const p = parties(sys);
    const orderId = await shippedOrder(sys, p);
    await sys.advance('P6D');
    const opened = await openDispute(sys, p, orderId);
    expect(opened.status).toBe('awaiting_seller');
    const order = await getOrder(p.buyer, orderId);
    expect(order).toMatchObject({ disputeOpen: true, protectionSuspended: true });
    expect(await inboxKinds(p.seller, orderId)).toEqual(expect.arrayContaining(['dispute_opened']));

    await sys.advance('P5D');
    const settled = await getDispute(p.buyer, opened.disputeId);
    expect(settled).toMatchObject({ status: 'resolved', settlement: { refund: usd(5000), settledBy: 'SELLER_SILENCE' } });
    expect(await balances(p.buyer, orderId)).toMatchObject({ captured: 5000, held: 0, released: 0, refunded: 5000 });
    expect(await getOrder(p.buyer, orderId)).toMatchObject({ status: 'closed', closedReason: 'REFUNDED', disputeOpen: false });
    const ev = await partnerSaw(sys, orderId, 'marketplace.dispute.settled.v1');
    expect(ev.data).toMatchObject({ disputeId: opened.disputeId, refund: usd(5000), settledBy: 'SELLER_SILENCE' });
    await partnerSaw(sys, orderId, 'marketplace.escrow.refund-completed.v1');
    expect(partnerTypes(sys, orderId, Topics.disputes)).toEqual(['marketplace.dispute.opened.v1', 'marketplace.dispute.settled.v1']);
    expect(await inboxKinds(p.seller, orderId)).toEqual(expect.arrayContaining(['reminder_dispute_answer', 'dispute_settled']));
    expect(await inboxKinds(p.buyer, orderId)).toEqual(expect.arrayContaining(['dispute_settled', 'refund_completed']));
  }),

  story('counter-proposal accepted: a partial refund, the rest released to the seller (D4, D5, R5, E3)', async (sys) => {
    const p = parties(sys);
    const orderId = await shippedOrder(sys, p);
    await sys.advance('P6D');
    const { disputeId } = await openDispute(sys, p, orderId);
    const countered = await act(sys, p.seller, disputeId, 'counter-proposals', {
      solution: { type: 'REFUND_ONLY', refund: usd(2000) },
      message: 'It left the warehouse; 20.00 back?',
      evidenceIds: [],
    });
    expect(countered).toMatchObject({ status: 'awaiting_buyer' });
    expect(await inboxKinds(p.buyer, orderId)).toEqual(expect.arrayContaining(['dispute_counter_proposed']));

    const accepted = await act(sys, p.buyer, disputeId, 'accept');
    expect(accepted).toMatchObject({ status: 'resolved', settlement: { refund: usd(2000), settledBy: 'AGREEMENT' } });
    expect(await balances(p.buyer, orderId)).toMatchObject({ captured: 5000, held: 0, refunded: 2000, released: 3000 });
    expect(await getOrder(p.buyer, orderId)).toMatchObject({ status: 'completed', completionReason: 'DISPUTE_SETTLED' });
    const ev = await partnerSaw(sys, orderId, 'marketplace.dispute.settled.v1');
    expect(ev.data).toMatchObject({ refund: usd(2000), releaseRemainder: true, settledBy: 'AGREEMENT' });
    await partnerSaw(sys, orderId, 'marketplace.escrow.funds-released.v1');
    expect(partnerTypes(sys, orderId, Topics.disputes)).toEqual([
      'marketplace.dispute.opened.v1',
      'marketplace.dispute.counter-proposed.v1',
      'marketplace.dispute.settled.v1',
    ]);
    expect(await inboxKinds(p.seller, orderId)).toEqual(expect.arrayContaining(['dispute_settled', 'funds_released']));
  }),

  story('escalation and a partial-refund ruling after the evidence window (D6, D8)', async (sys) => {
    const p = parties(sys);
    const orderId = await shippedOrder(sys, p);
    await sys.advance('P6D');
    const { disputeId } = await openDispute(sys, p, orderId);
    await act(sys, p.seller, disputeId, 'counter-proposals', {
      solution: { type: 'REFUND_ONLY', refund: usd(500) },
      message: 'Tracking shows delivered.',
      evidenceIds: [],
    });
    // D6: not before the dispute is 3 days old.
    expect((await requestAction(p.buyer, disputeId, 'escalate', {})).response.status).toBeGreaterThanOrEqual(400);
    await sys.advance('P3D');
    const escalated = await act(sys, p.buyer, disputeId, 'escalate');
    expect(escalated.status).toBe('in_arbitration');
    const esc = await partnerSaw(sys, orderId, 'marketplace.dispute.escalated.v1');
    expect(esc.data).toMatchObject({ disputeId, expedited: false });

    await sys.advance('P5D');
    expect((await getDispute(p.agent, disputeId)).status).toBe('awaiting_ruling');
    const ruled = await act(sys, p.agent, disputeId, 'ruling', { refund: usd(1500), returnRequired: false, note: 'Partial: tracking is ambiguous.' });
    expect(ruled).toMatchObject({ status: 'resolved', settlement: { refund: usd(1500), settledBy: 'RULING' } });
    expect(await balances(p.buyer, orderId)).toMatchObject({ held: 0, refunded: 1500, released: 3500 });
    expect(await getOrder(p.buyer, orderId)).toMatchObject({ status: 'completed', completionReason: 'DISPUTE_SETTLED' });
    expect((await partnerSaw(sys, orderId, 'marketplace.dispute.settled.v1')).data).toMatchObject({ settledBy: 'RULING', refund: usd(1500) });
    expect(await inboxKinds(p.buyer, orderId)).toEqual(expect.arrayContaining(['dispute_escalated', 'dispute_settled']));
  }),

  story('extension declined, then a dispute the seller accepts (O8, D1, D4)', async (sys) => {
    const p = parties(sys);
    const orderId = await shippedOrder(sys, p);
    const { extensionId } = expectStatus(
      await p.buyer.order.POST('/orders/{orderId}/extensions', { params: { path: { orderId }, header: keyed() }, body: { days: 14, reason: 'not here yet' } }),
      201,
      'request extension',
    );
    await sys.settle();
    const before = (await getOrder(p.buyer, orderId)).protectionEndsAt;
    expectStatus(
      await p.seller.order.POST('/orders/{orderId}/extensions/{extensionId}/decline', {
        params: { path: { orderId, extensionId }, header: keyed() },
        body: {},
      }),
      200,
      'decline',
    );
    await sys.settle();
    expect((await getOrder(p.buyer, orderId)).protectionEndsAt).toBe(before);
    expect(await inboxKinds(p.buyer, orderId)).toEqual(expect.arrayContaining(['extension_declined']));

    await sys.advance('P6D');
    const { disputeId } = await openDispute(sys, p, orderId);
    const accepted = await act(sys, p.seller, disputeId, 'accept');
    expect(accepted).toMatchObject({ status: 'resolved', settlement: { refund: usd(5000), settledBy: 'AGREEMENT' } });
    expect(await balances(p.buyer, orderId)).toMatchObject({ held: 0, refunded: 5000, released: 0 });
    expect(await getOrder(p.buyer, orderId)).toMatchObject({ status: 'closed', closedReason: 'REFUNDED' });
    expect(partnerTypes(sys, orderId, Topics.orders)).toEqual(
      expect.arrayContaining([
        'marketplace.order.protection-extension-requested.v1',
        'marketplace.order.protection-extension-declined.v1',
        'marketplace.order.protection-suspended.v1',
      ]),
    );
    await partnerSaw(sys, orderId, 'marketplace.escrow.refund-completed.v1');
  }),
];
