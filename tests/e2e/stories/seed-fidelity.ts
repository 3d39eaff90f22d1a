import {
  act,
  answer,
  balances,
  confirmReceipt,
  expectStatus,
  getDispute,
  getOrder,
  keyed,
  openDispute,
  parties,
  partnerSaw,
  requestDispute,
  shippedOrder,
  story,
  type StoryDef,
  usd,
} from '../support/story';

// The second reading of the seeds (DOMAIN.md D5, D11, D12, D13, O8, O11, S1), against the running
// services with the simulated clock. D10 needs its policy switched on: ../seed-fidelity-d10.e2e.test.ts.
const counter = (refund: number) => ({ solution: { type: 'REFUND_ONLY' as const, refund: usd(refund) }, message: 'How about this?', evidenceIds: [] });
const edit = (refund: number) => ({ solution: { type: 'REFUND_ONLY' as const, refund: usd(refund) }, message: 'Meet me here.', evidenceIds: [] });

export const seedFidelityStories: readonly StoryDef[] = [
  story('D5: the 15 days to agree count from the first counter-proposal; an edit does not restart them', async (sys) => {
    const p = parties(sys);
    const orderId = await shippedOrder(sys, p);
    await sys.advance('P6D');
    const { disputeId } = await openDispute(sys, p, orderId);
    const first = await act(sys, p.seller, disputeId, 'counter-proposals', counter(1000));
    const agreementEnds = first.deadlines.find((d) => d.kind === 'buyer_response')!.dueAt;
    await sys.advance('P13D');
    // The buyer edits on day 13 of 15: the seller's fresh 5-day window is cut at the end of the 15 days.
    const edited = await act(sys, p.buyer, disputeId, 'proposals', edit(4000));
    expect(edited.status).toBe('awaiting_seller');
    expect(edited.deadlines.map((d) => [d.kind, d.dueAt])).toEqual([['agreement_window', agreementEnds]]);
    await sys.advance('P2D');
    const escalated = await getDispute(p.agent, disputeId);
    expect(escalated).toMatchObject({ status: 'in_arbitration', escalation: { cause: 'AGREEMENT_WINDOW' } });
    expect((await partnerSaw(sys, orderId, 'marketplace.dispute.escalated.v1')).data).toMatchObject({ escalatedBy: 'system', cause: 'AGREEMENT_WINDOW' });
  }),

  story('D11: after 3 rejected proposals the dispute goes to arbitration, where the agent picks one on the table', async (sys) => {
    const p = parties(sys);
    const orderId = await shippedOrder(sys, p);
    await sys.advance('P6D');
    const { disputeId } = await openDispute(sys, p, orderId);
    await act(sys, p.seller, disputeId, 'counter-proposals', counter(1000));
    await act(sys, p.buyer, disputeId, 'proposals', edit(4000));
    const third = await act(sys, p.seller, disputeId, 'counter-proposals', counter(2500));
    expect(third).toMatchObject({ status: 'in_arbitration', escalation: { cause: 'HAGGLING_LIMIT' } });
    expect(third.proposals).toHaveLength(4);
    await sys.advance('P5D');
    const ruled = await act(sys, p.agent, disputeId, 'ruling', { proposalId: third.proposals[3]!.proposalId as string, note: 'The last offer is fair.' });
    expect(ruled).toMatchObject({ status: 'resolved', settlement: { refund: usd(2500), settledBy: 'RULING' } });
    expect(await balances(p.buyer, orderId)).toMatchObject({ held: 0, refunded: 2500, released: 2500 });
  }),

  story('D12: withdraw-and-reopen is bounded: a third dispute on one order is refused', async (sys) => {
    const p = parties(sys);
    const orderId = await shippedOrder(sys, p);
    await sys.advance('P6D');
    for (let i = 0; i < 2; i++) {
      const { disputeId } = await openDispute(sys, p, orderId);
      expect((await act(sys, p.buyer, disputeId, 'cancel')).status).toBe('withdrawn');
    }
    const third = answer(
      await requestDispute(p.buyer, {
        orderId,
        goodsReceived: false,
        reason: 'NOT_RECEIVED',
        solution: { type: 'REFUND_ONLY', refund: usd(5000) },
        description: 'Still nothing.',
        evidenceIds: [],
      }),
    );
    expect(third.status).toBe(409);
    expect(third.body).toMatchObject({ code: 'DISPUTE_LIMIT_REACHED' });
    expect(await getOrder(p.buyer, orderId)).toMatchObject({ status: 'shipped', disputeOpen: false });
  }),

  story('D13: a reason that contradicts "goods received" is refused with a clear code, nothing opens', async (sys) => {
    const p = parties(sys);
    const orderId = await shippedOrder(sys, p);
    await sys.advance('P6D');
    const body = (goodsReceived: boolean, reason: 'DAMAGED_OR_DEFECTIVE' | 'NOT_RECEIVED') => ({
      orderId,
      goodsReceived,
      reason,
      solution: { type: 'REFUND_ONLY' as const, refund: usd(5000) },
      description: 'x',
      evidenceIds: [],
    });
    for (const [received, reason] of [
      [false, 'DAMAGED_OR_DEFECTIVE'],
      [true, 'NOT_RECEIVED'],
    ] as const) {
      const res = answer(await requestDispute(p.buyer, body(received, reason)));
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'REASON_CONTRADICTS_GOODS_RECEIVED' });
    }
    expect(await getOrder(p.buyer, orderId)).toMatchObject({ disputeOpen: false });
  }),

  story('O8: the seller declined an extension; a dispute demanding it, accepted, extends protection and keeps the money held', async (sys) => {
    const p = parties(sys);
    const orderId = await shippedOrder(sys, p);
    const { extensionId } = expectStatus(
      await p.buyer.order.POST('/orders/{orderId}/extensions', { params: { path: { orderId }, header: keyed() }, body: { days: 14 } }),
      201,
      'request extension',
    );
    await sys.settle();
    expectStatus(
      await p.seller.order.POST('/orders/{orderId}/extensions/{extensionId}/decline', {
        params: { path: { orderId, extensionId }, header: keyed() },
        body: {},
      }),
      200,
      'decline',
    );
    await sys.settle();
    await sys.advance('P6D');
    const before = (await getOrder(p.buyer, orderId)).protectionEndsAt as string;
    const opened = expectStatus(
      await requestDispute(p.buyer, {
        orderId,
        goodsReceived: false,
        reason: 'NOT_RECEIVED',
        solution: { type: 'EXTEND_PROTECTION', days: 14 },
        description: 'Give it two more weeks.',
        evidenceIds: [],
      }),
      201,
      'open EXTEND_PROTECTION dispute',
    );
    expect(opened.proposals[0]).toMatchObject({ type: 'EXTEND_PROTECTION', days: 14, refund: usd(0) });
    await sys.settle();
    const agreed = await act(sys, p.seller, opened.disputeId, 'accept');
    expect(agreed).toMatchObject({ status: 'resolved', settlement: null, protectionExtension: { days: 14 } });
    await partnerSaw(sys, orderId, 'marketplace.dispute.protection-extension-agreed.v1');
    const order = await getOrder(p.buyer, orderId);
    expect(order).toMatchObject({ status: 'shipped', disputeOpen: false });
    expect(Date.parse(order.protectionEndsAt!) - Date.parse(before)).toBe(14 * 86_400_000);
    expect(await balances(p.buyer, orderId)).toMatchObject({ held: 5000, released: 0, refunded: 0 });
  }),

  story('O11: the review window counts from receipt (a delivery report); the seller rates the buyer back, which publishes the review', async (sys) => {
    const p = parties(sys);
    const rated = await shippedOrder(sys, p);
    const lapsed = await shippedOrder(sys, p);
    await sys.advance('P2D');
    for (const orderId of [rated, lapsed]) {
      expectStatus(
        await p.seller.order.POST('/orders/{orderId}/delivery', { params: { path: { orderId }, header: keyed() }, body: {} }),
        200,
        'report delivery',
      );
    }
    await sys.settle();
    const delivered = await getOrder(p.buyer, rated);
    expect(delivered).toMatchObject({ status: 'delivered', review: null });
    expect(delivered.allowedActions).toContain('post_review');
    const windowEnds = new Date(Date.parse(delivered.deliveredAt!) + 30 * 86_400_000).toISOString();
    expect(delivered.deadlines).toContainEqual({ kind: 'review_window', dueAt: windowEnds, actor: 'buyer', onExpiry: 'review_window_closed' });

    // Received, not yet confirmed: the buyer reviews; it waits for the seller's rating (or a month).
    const review = (caller: typeof p.buyer, orderId: string, body: { rating: number; text?: string }) =>
      caller.order.POST('/orders/{orderId}/review', { params: { path: { orderId }, header: keyed() }, body });
    const rateBuyer = (caller: typeof p.buyer, body: { rating: number; text?: string }) =>
      caller.order.POST('/orders/{orderId}/review/buyer-rating', { params: { path: { orderId: rated }, header: keyed() }, body });
    const reviewed = expectStatus(await review(p.buyer, rated, { rating: 5, text: 'Lovely teapot.' }), 200, 'review');
    expect(reviewed).toMatchObject({ status: 'delivered', review: { rating: 5, publishedAt: null, buyerRating: null } });
    expect(reviewed.deadlines).toContainEqual(expect.objectContaining({ kind: 'review_publication', actor: 'system', onExpiry: 'review_published' }));
    expect((await getOrder(p.seller, rated)).allowedActions).toEqual(expect.arrayContaining(['reply_review', 'rate_buyer']));
    expect((await rateBuyer(p.buyer, { rating: 5 })).response.status).toBe(403);
    const ratedBack = expectStatus(await rateBuyer(p.seller, { rating: 4, text: 'Paid at once.' }), 200, 'rate buyer');
    expect(ratedBack.review).toMatchObject({ buyerRating: { rating: 4, text: 'Paid at once.' }, publishedAt: ratedBack.review!.buyerRating!.ratedAt });
    expect(ratedBack.deadlines.map((d) => d.kind)).not.toContain('review_publication');
    const again = answer(await rateBuyer(p.seller, { rating: 1 }));
    expect([again.status, again.body]).toEqual([409, expect.objectContaining({ code: 'BUYER_ALREADY_RATED' })]);
    expect((await partnerSaw(sys, rated, 'marketplace.order.buyer-rated.v1')).data).toMatchObject({
      orderId: rated,
      buyerId: p.buyer.sub,
      sellerId: p.seller.sub,
      rating: 4,
    });
    expect((await partnerSaw(sys, rated, 'marketplace.order.review-published.v1')).data).toMatchObject({ orderId: rated, rating: 5 });

    // 30 days after the delivery report the window is closed, though protection still runs; completing changes nothing.
    await sys.advance('P30D');
    const late = answer(await review(p.buyer, lapsed, { rating: 3 }));
    expect([late.status, late.body]).toEqual([409, expect.objectContaining({ code: 'REVIEW_WINDOW_CLOSED' })]);
    expect(expectStatus(await confirmReceipt(p.buyer, lapsed), 200, 'confirm')).toMatchObject({ status: 'completed', allowedActions: [] });
    expect((await review(p.buyer, lapsed, { rating: 3 })).error).toMatchObject({ code: 'REVIEW_WINDOW_CLOSED' });
  }),

  story('S1: appeals have their own queue, A4 first, with a decision SLA whose breach alerts ops', async (sys) => {
    const p = parties(sys);
    const orderId = await shippedOrder(sys, p);
    await sys.advance('P6D');
    const { disputeId } = await openDispute(sys, p, orderId);
    await sys.advance('P3D');
    await act(sys, p.buyer, disputeId, 'escalate');
    await sys.advance('P5D');
    await act(sys, p.agent, disputeId, 'ruling', { refund: usd(1000), returnRequired: false, note: 'Partial.' });
    const appealed = await act(sys, p.buyer, disputeId, 'appeal', {
      reason: 'RESOLUTION_NOT_ACCEPTED',
      subReasons: ['MESSAGE_HISTORY_SUFFICIENT'],
      statement: 'Please look again.',
      evidenceIds: [],
    });
    expect(appealed.deadlines).toEqual([expect.objectContaining({ kind: 'appeal_sla', actor: 'agent', onExpiry: 'ops_alerted' })]);
    const queue = expectStatus(await p.agent.dispute.GET('/appeals/queue', { params: { query: { limit: 100 } } }), 200, 'appeal queue');
    const item = queue.items.find((i) => i.disputeId === disputeId);
    expect(item).toMatchObject({ orderId, expedited: false, slaBreached: false, decideBy: appealed.appeal!.decideBy });
    expect((await p.buyer.dispute.GET('/appeals/queue')).response.status).toBe(403);
    await sys.advance('P10D');
    expect((await partnerSaw(sys, orderId, 'marketplace.dispute.appeal-sla-breached.v1')).data).toMatchObject({
      disputeId,
      decideBy: appealed.appeal!.decideBy,
    });
    const after = expectStatus(
      await p.agent.dispute.GET('/appeals/queue', { params: { query: { slaBreached: 'true', limit: 100 } } }),
      200,
      'breached appeals',
    );
    expect(after.items.map((i) => i.disputeId)).toContain(disputeId);
    expect((await getDispute(p.agent, disputeId)).status).toBe('appealed'); // an alert never decides
  }),
];
