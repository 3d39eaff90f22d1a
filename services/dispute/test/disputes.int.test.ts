import { BuyerLevelChanged, OrderDelivered, OrderShipped } from '@bp/contracts';
import type { Actor } from '@bp/contracts';
import { commandMetadata, isPipelined, rebuildProjection } from '@bp/eventstore';
import { randomUUID } from 'node:crypto';
import { createHandlers } from '../src/app/handlers';
import { openDispute } from '../src/app/open-dispute';
import { disputeStreamId, orderFactsStreamId, type OpenDisputeBody } from '../src/domain';
import { addDuration } from '@bp/timers';
import { disputeProjections } from '../src/projections';
import { as, PAID, shippedOrder, startDispute, usd, type DisputeSut } from './support/harness';
import { act, openBody, openedDispute, returnBody } from './support/disputes';

const agent = as('agent', 'agent-1');

describe('dispute service over HTTP and Kafka (simulated clock)', () => {
  let t: DisputeSut;
  beforeAll(async () => {
    t = await startDispute('dispute_flows');
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
  });

  const published = (type: string, disputeId: string) =>
    t.sut.awaitPublished((e) => e.type === type && (e.data as { disputeId?: string }).disputeId === disputeId);

  it('D1: refuses a dispute on day 5 after shipment and opens it on day 6', async () => {
    const { sut } = t;
    const o = await shippedOrder(sut);
    await sut.advance('P5D');
    const early = await sut.request('POST', '/disputes', { ...as('buyer', o.buyerId), body: openBody(o.orderId) });
    expect(early).toMatchObject({ status: 409, body: { code: 'DISPUTE_TOO_EARLY', status: 409 } });
    expect(early.headers['content-type']).toContain('application/problem+json');

    await sut.advance('P1D');
    const res = await sut.request('POST', '/disputes', { ...as('buyer', o.buyerId), body: openBody(o.orderId) });
    expect(res.status).toBe(201);
    expect(res.headers.etag).toBe(`"${res.body.version}"`);
    expect(res.body).toMatchObject({
      orderId: o.orderId,
      status: 'awaiting_seller',
      chainVerified: true,
      deadlines: [{ kind: 'seller_response', actor: 'seller', onExpiry: 'buyer_proposal_accepted', dueAt: addDuration(sut.now().toISOString(), 'P5D') }],
    });
    expect(res.body.allowedActions).toEqual(expect.arrayContaining(['cancel', 'post_message']));
    expect(res.body.thread).toHaveLength(1);
    const opened = await published('DisputeOpened', res.body.disputeId);
    expect(opened.data).toMatchObject({ orderId: o.orderId, buyerId: o.buyerId, sellerId: o.sellerId, goodsReceived: false });

    // Only the parties and agents see it; to anyone else it does not exist.
    const id = res.body.disputeId;
    expect((await sut.request('GET', `/disputes/${id}`, as('buyer', 'someone-else'))).status).toBe(404);
    expect((await sut.request('GET', `/disputes/${id}`, as('seller', 'other-seller'))).status).toBe(404);
    const bySeller = await sut.request('GET', `/disputes/${id}`, as('seller', o.sellerId));
    expect(bySeller.body.allowedActions).toEqual(expect.arrayContaining(['accept', 'counter_propose']));
    expect((await sut.request('GET', `/disputes/${id}`, agent)).status).toBe(200);
    const list = await sut.request('GET', `/disputes?orderId=${o.orderId}`, as('buyer', o.buyerId));
    expect(list.body).toMatchObject({ items: [{ disputeId: id }], nextCursor: null });
    expect((await sut.request('GET', `/disputes?orderId=${o.orderId}`, as('buyer', 'someone-else'))).body.items).toEqual([]);

    // D1: one open dispute per order.
    const again = await sut.request('POST', '/disputes', { ...as('buyer', o.buyerId), body: openBody(o.orderId) });
    expect(again).toMatchObject({ status: 409, body: { code: 'DISPUTE_ALREADY_OPEN' } });
  });

  it('issue 18 item 2: an opening and an action answer the dispute exactly as GET shows it right after (built from the command, its thread read back in its transaction)', async () => {
    const { sut } = t;
    const { disputeId, order, view: opened } = await openedDispute(sut);
    const buyer = as('buyer', order.buyerId);
    const seller = as('seller', order.sellerId);
    expect(opened).toEqual((await sut.request('GET', `/disputes/${disputeId}`, buyer)).body);
    const messaged = await act(sut, disputeId, 'messages', seller, { text: 'sent on Monday', evidenceIds: [] });
    expect(messaged.status).toBe(200);
    // The new entry is in the answer's thread: the read went out behind the thread's INSERT.
    expect(messaged.body.thread.at(-1)).toMatchObject({ text: 'sent on Monday' });
    expect(messaged.body.thread).toHaveLength(opened.thread.length + 1);
    expect(messaged.body).toEqual((await sut.request('GET', `/disputes/${disputeId}`, seller)).body);
    expect(messaged.headers.etag).toBe(`"${messaged.body.version}"`);
    const countered = await act(sut, disputeId, 'counter-proposals', seller, { solution: { type: 'REFUND_ONLY', refund: usd(1_000) }, message: 'half?' });
    expect(countered.status).toBe(200);
    expect(countered.body).toEqual((await sut.request('GET', `/disputes/${disputeId}`, seller)).body);
  });

  it('issue 18 item 2: on a connection that is not pipelined the thread read back in the command still holds its new entry', async () => {
    const { sut } = t;
    const { disputeId, order } = await openedDispute(sut);
    // The service's connections are pipelined; the test database's pool is not.
    const handlers = createHandlers({ store: sut.service.ctx.store, schema: t.schema, projections: disputeProjections(t.schema) });
    const seller: Actor = { role: 'seller', id: order.sellerId };
    const now = sut.now().toISOString();
    const tx = await t.db.pool.connect();
    try {
      expect(isPipelined(tx)).toBe(false);
      await tx.query('BEGIN');
      const command = { type: 'PostMessage' as const, data: { text: 'one by one', evidence: [] }, meta: { now, actor: seller } };
      const done = await handlers.dispute(disputeStreamId(disputeId), command, { tx, metadata: commandMetadata(seller, now) }, disputeId);
      await tx.query('COMMIT');
      expect(done.thread?.at(-1)).toMatchObject({ text: 'one by one' });
    } finally {
      tx.release();
    }
  });

  it("D1: eight simultaneous openings on one order: one 201, seven DISPUTE_ALREADY_OPEN, one reservation (its append shares the projections' round trip)", async () => {
    const { sut } = t;
    const o = await shippedOrder(sut);
    await sut.advance('P6D');
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => sut.request('POST', '/disputes', { ...as('buyer', o.buyerId), body: openBody(o.orderId) })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    for (const a of answers.filter((x) => x.status === 409)) expect(a.body.code).toBe('DISPUTE_ALREADY_OPEN');
    const opened = answers.find((a) => a.status === 201)!.body;
    const facts = await sut.service.ctx.store.readStream(orderFactsStreamId(o.orderId));
    expect(facts.filter((e) => e.type === 'DisputeReservedOnOrder').map((e) => (e.data as { disputeId: string }).disputeId)).toEqual([opened.disputeId]);
    const rows = await t.db.pool.query(`SELECT dispute_id FROM "${t.schema}".dispute_summaries WHERE order_id = $1`, [o.orderId]);
    expect(rows.rows.map((r) => r.dispute_id)).toEqual([opened.disputeId]);
    const thread = await t.db.pool.query(`SELECT count(*)::int AS n FROM "${t.schema}".dispute_thread WHERE dispute_id = $1`, [opened.disputeId]);
    expect(thread.rows[0].n).toBe(1);
  });

  it("D1: a reservation decided on an order that moved on conflicts, fails the opening's attempt whole, and the retry on a fresh read opens it once", async () => {
    const { sut } = t;
    const o = await shippedOrder(sut);
    await sut.advance('P6D');
    // The order's last fact (a delivery report) is one the opening does not depend on.
    await sut.publish(OrderDelivered, { orderId: o.orderId, deliveredAt: sut.now().toISOString(), reportedBy: 'seller' });
    const store = sut.service.ctx.store;
    const factsStream = orderFactsStreamId(o.orderId);
    // The opening's first read of the order misses its last fact, as if a consumer appended it meanwhile.
    let stale = true;
    const behind: typeof store = {
      ...store,
      readStream: async (id, opts) => {
        const events = await store.readStream(id, opts);
        if (id !== factsStream || !stale) return events;
        stale = false;
        return events.slice(0, -1);
      },
    };
    const handlers = createHandlers({ store: behind, schema: t.schema, projections: disputeProjections(t.schema) });
    const appends = jest.spyOn(behind, 'appendToStream');
    const starts = jest.spyOn(behind, 'startAppend');
    const open = openDispute({ store: behind, schema: t.schema, handlers, expeditedLevels: [] });
    const disputeId = randomUUID();
    const buyer: Actor = { role: 'buyer', id: o.buyerId };
    const result = await open(buyer, disputeId, openBody(o.orderId) as OpenDisputeBody, sut.now().toISOString());
    expect(stale).toBe(false);
    expect(result.thread).toHaveLength(1);
    // Two reservations sent (the stale one conflicted), the dispute's append sent twice: one of each stored.
    const sentTo = [...appends.mock.calls, ...starts.mock.calls].map(([, stream]) => stream);
    expect(sentTo.filter((s) => s === factsStream)).toHaveLength(2);
    expect(sentTo.filter((s) => s === disputeStreamId(disputeId))).toHaveLength(2);
    const facts = await store.readStream(factsStream);
    expect(facts.filter((e) => e.type === 'DisputeReservedOnOrder')).toHaveLength(1);
    expect(await store.readStream(disputeStreamId(disputeId))).toHaveLength(result.version);
    const thread = await t.db.pool.query(`SELECT count(*)::int AS n FROM "${t.schema}".dispute_thread WHERE dispute_id = $1`, [disputeId]);
    expect(thread.rows[0].n).toBe(1);
    expect((await sut.request('GET', `/disputes/${disputeId}`, as('buyer', o.buyerId))).body).toMatchObject({
      disputeId,
      version: result.version,
      thread: result.thread,
    });
  });

  it('D4: seller silent 5 days -> the buyer proposal is accepted and DisputeSettled carries the refund', async () => {
    const { sut } = t;
    const { disputeId, order } = await openedDispute(sut);
    await sut.advance('P5D');
    const settled = await published('DisputeSettled', disputeId);
    expect(settled.data).toMatchObject({ refund: PAID, releaseRemainder: true, settledBy: 'SELLER_SILENCE' });
    const view = await sut.request('GET', `/disputes/${disputeId}`, as('buyer', order.buyerId));
    expect(view.body).toMatchObject({ status: 'resolved', settlement: { settledBy: 'SELLER_SILENCE' }, deadlines: [] });
  });

  it('D5 + D8: a counter-proposal ignored 15 days escalates; the agent rules a partial refund', async () => {
    const { sut } = t;
    const { disputeId, order } = await openedDispute(sut);
    const counter = await act(sut, disputeId, 'counter-proposals', as('seller', order.sellerId), {
      solution: { type: 'REFUND_ONLY', refund: usd(4000) },
      message: 'half?',
    });
    expect(counter).toMatchObject({ status: 200, body: { status: 'awaiting_buyer' } });
    await sut.advance('P15D');
    const escalated = await published('DisputeEscalated', disputeId);
    expect(escalated.data).toMatchObject({ escalatedBy: 'system', expedited: false });

    const ruling = { refund: usd(3000), returnRequired: false, note: 'partial refund' };
    expect(await act(sut, disputeId, 'ruling', as('buyer', order.buyerId), ruling)).toMatchObject({ status: 403 });
    expect(await act(sut, disputeId, 'ruling', as('seller', order.sellerId), ruling)).toMatchObject({ status: 403 });
    expect(await act(sut, disputeId, 'ruling', agent, ruling)).toMatchObject({ status: 409, body: { code: 'EVIDENCE_WINDOW_OPEN' } }); // D8
    await sut.advance('P5D');
    const ruled = await act(sut, disputeId, 'ruling', agent, ruling);
    expect(ruled).toMatchObject({ status: 200, body: { status: 'resolved', ruling: { refund: usd(3000) } } });
    const settled = await published('DisputeSettled', disputeId);
    expect(settled.data).toMatchObject({ refund: usd(3000), releaseRemainder: true, settledBy: 'RULING' });
  });

  it("S1: an A4 buyer's dispute goes first in the arbitration queue", async () => {
    const { sut } = t;
    const a4Buyer = `buyer-a4-${Date.now()}`;
    await sut.publish(BuyerLevelChanged, {
      buyerId: a4Buyer,
      orderId: 'o-prior',
      level: 'A4',
      previousLevel: 'A3',
      completedSpendUsdCents: 250_000,
      changedAt: sut.now().toISOString(),
    });
    const regular = await shippedOrder(sut);
    const vip = await shippedOrder(sut, { buyerId: a4Buyer });
    await sut.advance('P6D');
    const open = async (o: typeof regular) =>
      (await sut.request('POST', '/disputes', { ...as('buyer', o.buyerId), body: openBody(o.orderId) })).body.disputeId as string;
    const [first, second] = [await open(regular), await open(vip)];
    // D6: escalation once the dispute is 3 days old; the A4 one escalates 12 days LATER, and still goes first.
    await sut.advance('P3D');
    expect(await act(sut, first, 'escalate', as('buyer', regular.buyerId))).toMatchObject({ status: 200, body: { status: 'in_arbitration' } });
    expect(await act(sut, second, 'counter-proposals', as('seller', vip.sellerId), { solution: { type: 'RESEND' }, message: 'we resend' })).toMatchObject({
      status: 200,
    });
    await sut.advance('P12D');
    const esc = await act(sut, second, 'escalate', as('buyer', a4Buyer));
    expect(esc).toMatchObject({ status: 200, body: { escalation: { expedited: true } } });
    expect(Date.parse(esc.body.escalation.rulingDueAt)).toBeGreaterThan(
      Date.parse((await sut.request('GET', `/disputes/${first}`, agent)).body.escalation.rulingDueAt),
    );

    const queue = await sut.request('GET', '/arbitration/queue?limit=100', agent);
    expect(queue.status).toBe(200);
    const ours = (queue.body.items as { disputeId: string }[]).map((i) => i.disputeId).filter((id) => id === first || id === second);
    expect(ours).toEqual([second, first]);
    const expedited = await sut.request('GET', '/arbitration/queue?expedited=true', agent);
    expect(expedited.body.items.map((i: { disputeId: string }) => i.disputeId)).toContain(second);
    expect(expedited.body.items.map((i: { disputeId: string }) => i.disputeId)).not.toContain(first);
    // Pagination: one item per page, the same order.
    const page1 = await sut.request('GET', '/arbitration/queue?limit=1', agent);
    expect(page1.body.items[0].expedited).toBe(true);
    const page2 = await sut.request('GET', `/arbitration/queue?limit=1&cursor=${page1.body.nextCursor}`, agent);
    expect(page2.body.items[0].disputeId).not.toBe(page1.body.items[0].disputeId);
    expect((await sut.request('GET', '/arbitration/queue', as('buyer', a4Buyer))).status).toBe(403);
  });

  it('R1, R3: return requested -> buyer ships -> seller silent 30 days -> refund', async () => {
    const { sut } = t;
    const { disputeId, order } = await openedDispute(sut, returnBody);
    const accepted = await act(sut, disputeId, 'accept', as('seller', order.sellerId));
    expect(accepted).toMatchObject({ status: 200, body: { status: 'awaiting_return_shipment', deadlines: [{ kind: 'return_shipment' }] } });
    await published('ReturnRequested', disputeId);
    const shipped = await act(sut, disputeId, 'return-shipment', as('buyer', order.buyerId), { carrier: 'DHL', trackingNumber: 'RET-1' });
    expect(shipped).toMatchObject({ status: 200, body: { status: 'return_in_transit', deadlines: [{ kind: 'return_answer', actor: 'seller' }] } });
    await sut.advance('P30D');
    const settled = await published('DisputeSettled', disputeId);
    expect(settled.data).toMatchObject({ refund: PAID, settledBy: 'RETURN_UNANSWERED', releaseRemainder: true });
  });

  it('R2, R8: a return not shipped in 10 days settles RETURN_MISSED and cannot be appealed', async () => {
    const { sut } = t;
    const { disputeId, order } = await openedDispute(sut, returnBody);
    await sut.advance('P3D');
    await act(sut, disputeId, 'escalate', as('seller', order.sellerId));
    await sut.advance('P5D'); // D8: the evidence window
    const ruled = await act(sut, disputeId, 'ruling', agent, { refund: PAID, returnRequired: true, note: 'return it' });
    expect(ruled).toMatchObject({ status: 200, body: { status: 'awaiting_return_shipment' } });
    await sut.advance('P10D');
    const settled = await published('DisputeSettled', disputeId);
    expect(settled.data).toMatchObject({ refund: usd(0), settledBy: 'RETURN_MISSED' });
    const appeal = await act(sut, disputeId, 'appeal', as('buyer', order.buyerId), { reason: 'RESOLUTION_NOT_ACCEPTED', statement: 'I was ill' });
    expect(appeal).toMatchObject({ status: 409, body: { code: 'APPEAL_NOT_ALLOWED_RETURN_MISSED' } });
  });

  it('R7, R8: one appeal (an agent may file it for the buyer); a second one is refused', async () => {
    const { sut } = t;
    const { disputeId, order } = await openedDispute(sut);
    await sut.advance('P3D');
    await act(sut, disputeId, 'escalate', as('buyer', order.buyerId));
    await sut.advance('P5D'); // D8: the evidence window
    expect(await act(sut, disputeId, 'ruling', agent, { refund: usd(1000), returnRequired: false, note: 'little proof' })).toMatchObject({ status: 200 });
    const appeal = { reason: 'RESOLUTION_NOT_ACCEPTED', subReasons: ['MESSAGE_HISTORY_SUFFICIENT'], statement: 'see the chat' };
    expect(await act(sut, disputeId, 'appeal', agent, appeal)).toMatchObject({ status: 400, body: { code: 'ON_BEHALF_OF_REQUIRED' } });
    const filed = await act(sut, disputeId, 'appeal', agent, { ...appeal, onBehalfOf: order.buyerId });
    expect(filed).toMatchObject({ status: 200, body: { status: 'appealed', appeal: { filedBy: 'agent' } } });
    await published('AppealFiled', disputeId);
    const second = await act(sut, disputeId, 'appeal', as('buyer', order.buyerId), appeal);
    expect(second).toMatchObject({ status: 409, body: { code: 'APPEAL_ALREADY_FILED' } });
    const decided = await act(sut, disputeId, 'appeal/decision', agent, { decision: 'OVERTURN', refund: PAID, note: 'chat proves it' });
    expect(decided).toMatchObject({ status: 200, body: { status: 'appeal_decided' } });
    expect((await published('AppealDecided', disputeId)).data).toMatchObject({
      decision: 'OVERTURN',
      refund: PAID,
      previousRefund: usd(1000),
      correction: true,
    });
  });

  it('D7: a withdrawn dispute frees the order for a new one; If-Match is honoured', async () => {
    const { sut } = t;
    const { disputeId, order, view } = await openedDispute(sut);
    const stale = await sut.request('POST', `/disputes/${disputeId}/cancel`, {
      ...as('buyer', order.buyerId),
      body: {},
      headers: { 'if-match': `"${view.version - 1}"` },
    });
    expect(stale).toMatchObject({ status: 412, body: { code: 'VERSION_MISMATCH' } });
    const cancelled = await sut.request('POST', `/disputes/${disputeId}/cancel`, {
      ...as('buyer', order.buyerId),
      headers: { 'if-match': `"${view.version}"` },
    });
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'withdrawn' } });
    await published('DisputeWithdrawn', disputeId);
    const reopened = await sut.request('POST', '/disputes', { ...as('buyer', order.buyerId), body: openBody(order.orderId) });
    expect(reopened.status).toBe(201);
    expect(reopened.body.disputeId).not.toBe(disputeId);
  });

  it('Idempotency-Key: a repeated opening replays the first answer', async () => {
    const { sut } = t;
    const o = await shippedOrder(sut);
    await sut.advance('P6D');
    const post = () =>
      sut.request('POST', '/disputes', { ...as('buyer', o.buyerId), body: openBody(o.orderId), headers: { 'idempotency-key': `open-${o.orderId}` } });
    const first = await post();
    const second = await post();
    expect(first.status).toBe(201);
    expect(second).toMatchObject({ status: 201, body: { disputeId: first.body.disputeId } });
    expect(second.headers['idempotent-replayed']).toBe('true');
  });

  it('a redelivered OrderShipped is a no-op (same event id, or the same fact again)', async () => {
    const { sut } = t;
    const o = await shippedOrder(sut);
    const now = sut.now().toISOString();
    const shipped = { ...o, carrier: 'DHL', trackingNumber: 'TRK-again', shippedAt: now, protectionEndsAt: addDuration(now, 'P60D') };
    const id = await sut.publish(OrderShipped, shipped);
    await sut.publish(OrderShipped, shipped, { id });
    const events = await sut.service.ctx.store.readStream(`dispute-order-facts-${o.orderId}`);
    expect(events.map((e) => e.type)).toEqual(['OrderPlacedRecorded', 'OrderPaidRecorded', 'OrderShippedRecorded']);
  });

  it('S2: every read model rebuilt from the log equals the one kept inline', async () => {
    const { sut } = t;
    const dump = async () =>
      Promise.all(
        [
          'dispute_summaries ORDER BY dispute_id',
          'dispute_policy_snapshots ORDER BY hash',
          'dispute_thread ORDER BY dispute_id, seq',
          'evidence ORDER BY evidence_id',
        ].map(async (q) => (await t.db.pool.query(`SELECT * FROM "${t.schema}".${q}`)).rows),
      );
    const before = await dump();
    expect(before[0]!.length).toBeGreaterThan(5);
    // #18 item 6: one snapshot row per distinct policy, however many disputes were opened under it.
    expect(before[1]!.length).toBe(new Set(before[0]!.map((r) => r.policy_hash).filter((h) => h !== null)).size);
    expect(before[1]!.length).toBeLessThan(before[0]!.length);
    // Event by event, batched, and batched with tiny pages spilling rows to the table and back.
    for (const opts of [{ perEvent: true }, {}, { batchSize: 3, maxRows: 2 }]) {
      for (const p of disputeProjections(t.schema)) await rebuildProjection(sut.service.ctx.store, p, opts);
      expect(await dump()).toEqual(before);
    }
  });
});
