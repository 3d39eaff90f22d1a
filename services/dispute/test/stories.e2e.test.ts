import {
  act,
  answer,
  confirmReceipt,
  eventually,
  expectStatus,
  getDispute,
  getEscrow,
  getOrder,
  openDispute,
  parties,
  partnerSaw,
  requestAction,
  requestDispute,
  shippedOrder,
  usd,
  type ActionBody,
  type Parties,
} from '../../../tests/e2e/support/story';
import { useSystem } from '../../../tests/e2e/support/system';

/**
 * Issues 6 and 7, the stories the whole system must tell with the simulated clock: the real order,
 * escrow and dispute services (and notification) in one process, driven over HTTP only. The
 * service-level twins of some of them (order service played by publishing orders.v1) live in
 * disputes.int.test.ts; the other stories are in tests/e2e/*.e2e.test.ts.
 */
const STORY_MS = 120_000; // two cores shared with other work: a story may take a while, not forever

describe('dispute stories across order, dispute and escrow (issues 6, 7)', () => {
  const sys = useSystem();

  const money = async (caller: Parties['buyer'], orderId: string) => {
    const e = (await getEscrow(caller, orderId)) as Awaited<ReturnType<typeof getEscrow>> & { exposure: { amount: number }; writtenOff: { amount: number } };
    return { held: e.held.amount, refunded: e.refunded.amount, released: e.released.amount, exposure: e.exposure.amount, writtenOff: e.writtenOff.amount };
  };
  const openBody = (orderId: string) => ({
    orderId,
    goodsReceived: false,
    reason: 'NOT_RECEIVED' as const,
    solution: { type: 'REFUND_ONLY' as const, refund: usd(5000) },
    description: 'Nothing came.',
    evidenceIds: [],
  });
  const returnDispute = { goodsReceived: true, reason: 'NOT_AS_DESCRIBED' as const, type: 'RETURN_AND_REFUND' as const };
  /** D6/D8: the view's escalation is an open object in the published schema; these are the fields the stories read. */
  const escalationOf = (view: { escalation: unknown }) => view.escalation as { at: string; rulingDueAt: string; expedited: boolean };

  /** O12: one buyer made A4 by $2,000 of completed spend, shared by the R6 stories (each with its own seller). */
  let a4: Parties['buyer'] | undefined;
  const a4Buyer = async (): Promise<Parties['buyer']> => {
    if (a4) return a4;
    const p = parties(sys);
    const big = await shippedOrder(sys, p, { amount: 200_000 });
    expectStatus(await confirmReceipt(p.buyer, big), 200, 'confirm receipt');
    await sys.settle();
    await sys.awaitPartner(
      (e) =>
        e.ceType === 'marketplace.buyer.level-changed.v1' &&
        (e.data as { buyerId?: string; level?: string }).buyerId === p.buyer.sub &&
        (e.data as { level?: string }).level === 'A4',
    );
    await sys.settle(); // the dispute service has read buyers.v1
    return (a4 = p.buyer);
  };
  const a4Parties = async (): Promise<Parties> => ({ ...parties(sys), buyer: await a4Buyer() });

  it(
    'D1: opening refused on day 5 after shipment (DISPUTE_TOO_EARLY), opened on day 6; D5: a counter-proposal ignored 15 days -> arbitration, escrow still holding',
    async () => {
      const p = parties(sys);
      const orderId = await shippedOrder(sys, p);
      await sys.advance('P5D');
      const early = answer(await requestDispute(p.buyer, openBody(orderId)));
      expect(early).toMatchObject({ status: 409, body: { code: 'DISPUTE_TOO_EARLY' } });
      expect(await getOrder(p.buyer, orderId)).toMatchObject({ status: 'shipped', disputeOpen: false });

      await sys.advance('P1D');
      const { disputeId, status } = await openDispute(sys, p, orderId);
      expect(status).toBe('awaiting_seller');
      expect(await getOrder(p.buyer, orderId)).toMatchObject({ disputeOpen: true, protectionSuspended: true });

      const countered = await act(sys, p.seller, disputeId, 'counter-proposals', {
        solution: { type: 'REFUND_ONLY', refund: usd(1000) },
        message: 'Tracking says delivered; 10.00?',
        evidenceIds: [],
      });
      expect(countered).toMatchObject({ status: 'awaiting_buyer', deadlines: [expect.objectContaining({ kind: 'buyer_response', actor: 'buyer' })] });
      await sys.advance('P14DT23H');
      expect((await getDispute(p.buyer, disputeId)).status).toBe('awaiting_buyer');
      await sys.advance('PT1H');
      const escalated = await getDispute(p.agent, disputeId);
      expect(escalated).toMatchObject({ status: 'in_arbitration', escalation: { expedited: false } });
      expect((await partnerSaw(sys, orderId, 'marketplace.dispute.escalated.v1')).data).toMatchObject({ disputeId, escalatedBy: 'system' });
      // D8: evidence window 5 days, ruling SLA 15 days after escalation.
      const due = Object.fromEntries(escalated.deadlines.map((d) => [d.kind, Date.parse(d.dueAt) - Date.parse(escalationOf(escalated).at)]));
      expect(due).toEqual({ evidence_window: 5 * 86_400_000, ruling_sla: 15 * 86_400_000 });
      expect(await money(p.buyer, orderId)).toMatchObject({ held: 5000, refunded: 0, released: 0 });
      expect(await getOrder(p.buyer, orderId)).toMatchObject({ status: 'shipped', disputeOpen: true });
    },
    STORY_MS,
  );

  it(
    "S1, D8: an A4 buyer's dispute escalated 11 days later still goes first in the arbitration queue (5-day SLA)",
    async () => {
      const regular = parties(sys);
      const vip = await a4Parties();
      const regularOrder = await shippedOrder(sys, regular);
      const vipOrder = await shippedOrder(sys, vip);
      await sys.advance('P6D');
      const first = (await openDispute(sys, regular, regularOrder)).disputeId;
      const second = (await openDispute(sys, vip, vipOrder)).disputeId;
      await act(sys, vip.seller, second, 'counter-proposals', { solution: { type: 'RESEND' }, message: 'We resend.', evidenceIds: [] });
      await sys.advance('P3D');
      expect((await act(sys, regular.buyer, first, 'escalate')).escalation).toMatchObject({ expedited: false });
      await sys.advance('P11D');
      const esc = await act(sys, vip.buyer, second, 'escalate');
      expect(esc.escalation).toMatchObject({ expedited: true });
      expect(Date.parse(escalationOf(esc).rulingDueAt) - Date.parse(escalationOf(esc).at)).toBe(5 * 86_400_000);
      const firstView = await getDispute(regular.agent, first);
      expect(Date.parse(escalationOf(esc).rulingDueAt)).toBeGreaterThan(Date.parse(escalationOf(firstView).rulingDueAt));

      const queue = expectStatus(await regular.agent.dispute.GET('/arbitration/queue', { params: { query: { limit: 100 } } }), 200, 'queue');
      expect(queue.items.map((i) => i.disputeId).filter((id) => id === first || id === second)).toEqual([second, first]);
      expect(queue.items.findIndex((i) => !i.expedited)).toBeGreaterThan(queue.items.findIndex((i) => i.disputeId === second));
      expect((await regular.buyer.dispute.GET('/arbitration/queue')).response.status).toBe(403);
    },
    STORY_MS,
  );

  it(
    'R6, R4: A4 fast refund, the seller reports damage, the agent rules 0: the buyer keeps the advance, the platform writes it off, the seller is paid',
    async () => {
      const p = await a4Parties();
      const orderId = await shippedOrder(sys, p);
      await sys.advance('P6D');
      const { disputeId } = await openDispute(sys, p, orderId, returnDispute);
      expect((await act(sys, p.seller, disputeId, 'accept')).status).toBe('awaiting_return_shipment');
      const shipped = await act(sys, p.buyer, disputeId, 'return-shipment', { carrier: 'USPS', trackingNumber: 'RET-WO' });
      expect(shipped).toMatchObject({ status: 'return_in_transit', returnInfo: { fastRefunded: usd(5000) } });
      await partnerSaw(sys, orderId, 'marketplace.escrow.refund-completed.v1');
      expect(await money(p.buyer, orderId)).toEqual({ held: 5000, refunded: 5000, released: 0, exposure: 5000, writtenOff: 0 });

      expect((await act(sys, p.seller, disputeId, 'return-receipt', { condition: 'DAMAGED', note: 'Cracked lid.' })).status).toBe('in_arbitration');
      await sys.advance('P5D');
      const ruled = await act(sys, p.agent, disputeId, 'ruling', { refund: usd(0), returnRequired: false, note: "Damaged in the buyer's hands." });
      expect(ruled).toMatchObject({ status: 'resolved', settlement: { refund: usd(0), settledBy: 'RULING' } });
      await partnerSaw(sys, orderId, 'marketplace.escrow.funds-released.v1');
      // R6: the platform carried the risk: exposure closed by a write-off, the seller gets the hold.
      expect(await money(p.buyer, orderId)).toEqual({ held: 0, refunded: 5000, released: 5000, exposure: 0, writtenOff: 5000 });
      expect(await getOrder(p.buyer, orderId)).toMatchObject({ status: 'completed', completionReason: 'DISPUTE_SETTLED' });
      expect(sys.partnerEvents({ subject: orderId }).filter((e) => e.ceType === 'marketplace.escrow.refund-requested.v1')).toHaveLength(1);
    },
    STORY_MS,
  );

  it(
    'R6, R3: A4 fast refund, the seller confirms receipt: the exposure is recovered from the hold, nothing refunded twice',
    async () => {
      const p = await a4Parties();
      const orderId = await shippedOrder(sys, p);
      await sys.advance('P6D');
      const { disputeId } = await openDispute(sys, p, orderId, returnDispute);
      await act(sys, p.seller, disputeId, 'accept');
      await act(sys, p.buyer, disputeId, 'return-shipment', { carrier: 'USPS', trackingNumber: 'RET-RC' });
      await partnerSaw(sys, orderId, 'marketplace.escrow.refund-completed.v1');
      expect(await money(p.buyer, orderId)).toMatchObject({ exposure: 5000, refunded: 5000 });

      const received = await act(sys, p.seller, disputeId, 'return-receipt', { condition: 'RECEIVED_OK' });
      expect(received).toMatchObject({ status: 'resolved', settlement: { refund: usd(5000), settledBy: 'RETURN_RECEIVED' } });
      expect((await partnerSaw(sys, orderId, 'marketplace.dispute.settled.v1')).data).toMatchObject({ refund: usd(5000), fastRefunded: usd(5000) });
      await eventually(async () => (await money(p.buyer, orderId)).exposure === 0, 'the exposure is recovered');
      expect(await money(p.buyer, orderId)).toEqual({ held: 0, refunded: 5000, released: 0, exposure: 0, writtenOff: 0 });
      expect(await getOrder(p.buyer, orderId)).toMatchObject({ status: 'closed', closedReason: 'REFUNDED' });
      expect(sys.partnerEvents({ subject: orderId }).filter((e) => e.ceType === 'marketplace.escrow.refund-requested.v1')).toHaveLength(1);
    },
    STORY_MS,
  );

  it(
    'R6, R1, D8: A4 fast refund after a ruling with return-shipping compensation: the advance is the order part, the compensation comes with the settlement, paid once',
    async () => {
      const p = await a4Parties();
      const orderId = await shippedOrder(sys, p);
      await sys.advance('P6D');
      const { disputeId } = await openDispute(sys, p, orderId, returnDispute);
      await sys.advance('P3D');
      await act(sys, p.buyer, disputeId, 'escalate');
      await sys.advance('P5D'); // D8: the evidence window
      const ruled = await act(sys, p.agent, disputeId, 'ruling', {
        refund: usd(4000),
        returnRequired: true,
        returnShippingCompensation: usd(500),
        note: 'Return it; the seller pays the postage.',
      });
      expect(ruled.status).toBe('awaiting_return_shipment');
      const shipped = await act(sys, p.buyer, disputeId, 'return-shipment', { carrier: 'USPS', trackingNumber: 'RET-FC' });
      expect(shipped.returnInfo.fastRefunded).toEqual(usd(4000));
      await partnerSaw(sys, orderId, 'marketplace.escrow.refund-completed.v1');
      expect(await money(p.buyer, orderId)).toMatchObject({ refunded: 4000, exposure: 4000 });

      const received = await act(sys, p.seller, disputeId, 'return-receipt', { condition: 'RECEIVED_OK' });
      expect(received).toMatchObject({ status: 'resolved', settlement: { refund: usd(4500), settledBy: 'RETURN_RECEIVED' } });
      await partnerSaw(sys, orderId, 'marketplace.escrow.funds-released.v1');
      // The buyer gets 4,000 + 500 = the ruling's 4,500, once; the seller 1,000 − 500; the platform nothing.
      await eventually(async () => (await money(p.buyer, orderId)).exposure === 0, 'the exposure is recovered');
      expect(await money(p.buyer, orderId)).toEqual({ held: 0, refunded: 4500, released: 500, exposure: 0, writtenOff: 0 });
    },
    STORY_MS,
  );

  it(
    'R2, R8: a ruled return not shipped in 10 days is released to the seller; the appeal is refused APPEAL_NOT_ALLOWED_RETURN_MISSED',
    async () => {
      const p = parties(sys);
      const orderId = await shippedOrder(sys, p);
      await sys.advance('P6D');
      const { disputeId } = await openDispute(sys, p, orderId, returnDispute);
      await sys.advance('P3D');
      await act(sys, p.seller, disputeId, 'escalate');
      await sys.advance('P5D'); // D8: the evidence window
      const ruled = await act(sys, p.agent, disputeId, 'ruling', { refund: usd(5000), returnRequired: true, note: 'Return it for a full refund.' });
      expect(ruled).toMatchObject({
        status: 'awaiting_return_shipment',
        deadlines: [expect.objectContaining({ kind: 'return_shipment', actor: 'buyer' }), expect.objectContaining({ kind: 'appeal_window' })],
      });
      await sys.advance('P10D');
      expect(await getDispute(p.buyer, disputeId)).toMatchObject({ status: 'resolved', settlement: { refund: usd(0), settledBy: 'RETURN_MISSED' } });
      await partnerSaw(sys, orderId, 'marketplace.escrow.funds-released.v1');
      expect(await money(p.seller, orderId)).toMatchObject({ held: 0, refunded: 0, released: 5000 });
      expect(await getOrder(p.buyer, orderId)).toMatchObject({ status: 'completed', completionReason: 'DISPUTE_SETTLED' });

      // Still inside the 15-day appeal window of the ruling, yet refused: "cannot be reprocessed".
      const appeal: ActionBody<'appeal'> = {
        reason: 'RESOLUTION_NOT_ACCEPTED',
        subReasons: ['RETURN_PERIOD_TOO_LONG'],
        statement: 'I was travelling.',
        evidenceIds: [],
      };
      expect(answer(await requestAction(p.buyer, disputeId, 'appeal', appeal))).toMatchObject({
        status: 409,
        body: { code: 'APPEAL_NOT_ALLOWED_RETURN_MISSED' },
      });
      expect(answer(await requestAction(p.agent, disputeId, 'appeal', { ...appeal, onBehalfOf: p.buyer.sub }))).toMatchObject({
        status: 409,
        body: { code: 'APPEAL_NOT_ALLOWED_RETURN_MISSED' },
      });
      await sys.settle();
      expect(sys.partnerEvents({ subject: orderId }).map((e) => e.ceType)).not.toContain('marketplace.dispute.appeal-filed.v1');
      expect(await money(p.seller, orderId)).toMatchObject({ held: 0, refunded: 0, released: 5000 });
    },
    STORY_MS,
  );
});
