import { Topics } from '@bp/contracts';
import {
  balances,
  confirmReceipt,
  expectStatus,
  getOrder,
  inboxKinds,
  keyed,
  parties,
  partnerSaw,
  partnerTypes,
  pay,
  placeOrder,
  ship,
  shippedOrder,
  story,
  type StoryDef,
} from '../support/story';

// Orders without disputes: the money moves on confirmation, auto-confirmation, or not at all.
// Run in-process by ../order-lifecycle.e2e.test.ts, and under service kills by ../crash/stories-under-kill.e2e.test.ts.
export const orderStories: readonly StoryDef[] = [
  story('happy path: paid, shipped, receipt confirmed, funds released to the seller (O3, O5, O6, E3)', async (sys) => {
    const p = parties(sys);
    const { orderId } = await placeOrder(sys, p);
    await pay(sys, p, orderId);
    expect((await getOrder(p.buyer, orderId)).status).toBe('awaiting_shipment');
    expect(await balances(p.buyer, orderId)).toEqual({ captured: 5000, held: 5000, released: 0, refunded: 0, commission: 0 });

    const shipped = await ship(p, orderId);
    // O5: 60 days of protection from the shipment (relative: a running system's clock is anywhere).
    expect(shipped).toMatchObject({ status: 'shipped', protectionEndsAt: new Date(Date.parse(await sys.now()) + 60 * 86_400_000).toISOString() });
    await sys.advance('P3D');
    expect((await getOrder(p.buyer, orderId)).allowedActions).toContain('confirm_receipt');
    const confirmed = expectStatus(await confirmReceipt(p.buyer, orderId), 200, 'confirm');
    expect(confirmed).toMatchObject({ status: 'completed', completionReason: 'CONFIRMED' });
    // O6: a repeated confirm is harmless.
    expect((await confirmReceipt(p.buyer, orderId)).response.status).toBe(200);
    await sys.settle();

    expect(await balances(p.seller, orderId)).toEqual({ captured: 5000, held: 0, released: 5000, refunded: 0, commission: 0 });
    await partnerSaw(sys, orderId, 'marketplace.escrow.funds-released.v1');
    expect(partnerTypes(sys, orderId, Topics.orders)).toEqual([
      'marketplace.order.placed.v1',
      'marketplace.order.paid.v1',
      'marketplace.order.shipped.v1',
      'marketplace.order.completed.v1',
    ]);
    expect(partnerTypes(sys, orderId, Topics.escrow)).toEqual(['marketplace.escrow.payment-captured.v1', 'marketplace.escrow.funds-released.v1']);
    expect(sys.partnerEvents({ subject: orderId }).find((e) => e.type === 'OrderCompleted')?.data).toMatchObject({
      reason: 'CONFIRMED',
      amount: { amount: 5000, currency: 'USD' },
    });
    expect(await inboxKinds(p.buyer, orderId)).toEqual(expect.arrayContaining(['order_shipped', 'order_completed']));
    expect(await inboxKinds(p.seller, orderId)).toEqual(expect.arrayContaining(['order_paid', 'funds_released']));
  }),

  story('auto-confirm: protection runs out with no dispute, the system confirms and releases (O7)', async (sys) => {
    const p = parties(sys);
    const orderId = await shippedOrder(sys, p, { protectionDays: 15 });
    await sys.advance('P14D');
    expect((await getOrder(p.buyer, orderId)).status).toBe('shipped');
    await sys.advance('P1D');
    const order = await getOrder(p.buyer, orderId);
    expect(order).toMatchObject({ status: 'completed', completionReason: 'AUTO_CONFIRMED', allowedActions: ['post_review'] });
    expect(await balances(p.buyer, orderId)).toMatchObject({ held: 0, released: 5000, refunded: 0 });
    const completed = await partnerSaw(sys, orderId, 'marketplace.order.completed.v1');
    expect(completed.data).toMatchObject({ reason: 'AUTO_CONFIRMED' });
    await partnerSaw(sys, orderId, 'marketplace.escrow.funds-released.v1');
    expect(await inboxKinds(p.buyer, orderId)).toEqual(expect.arrayContaining(['reminder_protection_ending', 'order_completed']));
  }),

  story('unpaid order closing: the payment window runs out (O2)', async (sys) => {
    const p = parties(sys);
    const { orderId, status } = await placeOrder(sys, p);
    expect(status).toBe('awaiting_payment');
    await sys.advance('PT23H');
    expect((await getOrder(p.buyer, orderId)).status).toBe('awaiting_payment');
    await sys.advance('PT1H');
    expect(await getOrder(p.buyer, orderId)).toMatchObject({ status: 'closed', closedReason: 'UNPAID', deadlines: [], allowedActions: [] });
    expect(await balances(p.buyer, orderId)).toEqual({ captured: 0, held: 0, released: 0, refunded: 0, commission: 0 });
    const closed = await partnerSaw(sys, orderId, 'marketplace.order.closed.v1');
    expect(closed).toMatchObject({ topic: Topics.orders, source: '/services/order', data: { reason: 'UNPAID', refundDue: false } });
    expect(partnerTypes(sys, orderId, Topics.orders)).toEqual(['marketplace.order.placed.v1', 'marketplace.order.closed.v1']);
    expect(await inboxKinds(p.buyer, orderId)).toEqual(expect.arrayContaining(['order_closed']));
  }),

  story('seller not shipping: the handling days run out, the order closes and the buyer is refunded in full (O4, E3)', async (sys) => {
    const p = parties(sys);
    const { orderId } = await placeOrder(sys, p, { handlingDays: 7 });
    await pay(sys, p, orderId);
    await sys.advance('P7D');
    expect(await getOrder(p.buyer, orderId)).toMatchObject({ status: 'closed', closedReason: 'NOT_SHIPPED' });
    expect(await balances(p.buyer, orderId)).toMatchObject({ captured: 5000, held: 0, released: 0, refunded: 5000 });
    const closed = await partnerSaw(sys, orderId, 'marketplace.order.closed.v1');
    expect(closed.data).toMatchObject({ reason: 'NOT_SHIPPED', refundDue: true });
    await partnerSaw(sys, orderId, 'marketplace.escrow.refund-completed.v1');
    expect(partnerTypes(sys, orderId, Topics.escrow)).toEqual(
      expect.arrayContaining(['marketplace.escrow.refund-requested.v1', 'marketplace.escrow.refund-completed.v1']),
    );
    expect(await inboxKinds(p.seller, orderId)).toEqual(expect.arrayContaining(['reminder_ship', 'order_closed']));
    expect(await inboxKinds(p.buyer, orderId)).toEqual(expect.arrayContaining(['refund_completed']));
  }),

  story('extension approved: the seller grants more days and protection ends later (O8)', async (sys) => {
    const p = parties(sys);
    const orderId = await shippedOrder(sys, p, { protectionDays: 15 });
    const before = (await getOrder(p.buyer, orderId)).protectionEndsAt!;
    const { extensionId } = expectStatus(
      await p.buyer.order.POST('/orders/{orderId}/extensions', {
        params: { path: { orderId }, header: keyed() },
        body: { days: 14, reason: 'parcel is late' },
      }),
      201,
      'request extension',
    );
    await sys.settle();
    expect(await inboxKinds(p.seller, orderId)).toEqual(expect.arrayContaining(['extension_requested']));
    expectStatus(
      await p.seller.order.POST('/orders/{orderId}/extensions/{extensionId}/approve', {
        params: { path: { orderId, extensionId }, header: keyed() },
        body: {},
      }),
      200,
      'approve',
    );
    const extended = await getOrder(p.buyer, orderId);
    expect(Date.parse(extended.protectionEndsAt!) - Date.parse(before)).toBe(14 * 86_400_000);

    await sys.advance('P15D');
    expect((await getOrder(p.buyer, orderId)).status).toBe('shipped');
    await sys.advance('P14D');
    expect((await getOrder(p.buyer, orderId)).completionReason).toBe('AUTO_CONFIRMED');
    expect(await balances(p.buyer, orderId)).toMatchObject({ held: 0, released: 5000 });
    const ext = await partnerSaw(sys, orderId, 'marketplace.order.protection-extended.v1');
    expect(ext.data).toMatchObject({ extensionId, days: 14, protectionEndsAt: extended.protectionEndsAt });
    expect(await inboxKinds(p.buyer, orderId)).toEqual(expect.arrayContaining(['extension_approved', 'order_completed']));
  }),
];
