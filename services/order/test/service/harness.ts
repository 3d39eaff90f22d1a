// The order service under test (startServiceForTest) and the moves of the parties and of the
// upstream services (escrow, dispute) that the scenarios are written in.
import { randomUUID } from 'node:crypto';
import { DisputeOpened, DisputeWithdrawn, PaymentCaptured, ProtectionEndAcknowledged, type Role } from '@bp/contracts';
import { startServiceForTest, testDatabase, testKafka, type ServiceUnderTest, type TestDatabase, type TestKafka } from '@bp/testing';
import { orderService } from '../../src/service';

export const address = { name: 'Ann Buyer', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
export const items = [
  { sku: 'sku-1', title: 'Socks', quantity: 2, unitPrice: 1500 },
  { sku: 'sku-2', title: 'Hat', quantity: 1, unitPrice: 2000 },
];
export const TOTAL = { amount: 5000, currency: 'USD' };

export const as = (role: Role, sub: string) => ({ role, sub });

export interface World {
  sut: ServiceUnderTest;
  stop(): Promise<void>;
}

export const startOrderService = async (name: string): Promise<World> => {
  const db: TestDatabase = await testDatabase(name);
  const kafka: TestKafka = await testKafka();
  const sut = await startServiceForTest(orderService, { db, kafka });
  return {
    sut,
    stop: async () => {
      const { schema } = sut.service.ctx;
      await sut.stop();
      await kafka.stop();
      // startServiceForTest puts the service and its clock next to the test schema: drop them too.
      await db.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; DROP SCHEMA IF EXISTS "${schema.replace(/_order$/, '_clock')}" CASCADE`);
      await db.close();
    },
  };
};

/** The moves of one order: buyer, seller and the upstream services' facts. */
export const orderMoves = (sut: ServiceUnderTest, buyer = `buyer-${randomUUID()}`, seller = `seller-${randomUUID()}`) => {
  let orderId = '';
  const self = {
    buyer,
    seller,
    get orderId() {
      return orderId;
    },
    async place(extra: Record<string, unknown> = {}, headers?: Record<string, string>) {
      const res = await sut.request('POST', '/orders', {
        as: as('buyer', buyer),
        body: { sellerId: seller, currency: 'USD', items, shippingAddress: address, ...extra },
        ...(headers ? { headers } : {}),
      });
      if (res.status === 201) orderId = res.body.orderId;
      return res;
    },
    view: (who = as('buyer', buyer)) => sut.request('GET', `/orders/${orderId}`, { as: who }),
    post: (path: string, who: { role: Role; sub: string }, body?: unknown, headers?: Record<string, string>) =>
      sut.request('POST', `/orders/${orderId}${path}`, { as: who, ...(body !== undefined ? { body } : {}), ...(headers ? { headers } : {}) }),
    /** escrow.v1 PaymentCaptured for this order (E4 -> O3). */
    paid: (o: { id?: string; amount?: typeof TOTAL } = {}) =>
      sut.publish(
        PaymentCaptured,
        { orderId, paymentId: `pay-${orderId}`, providerRef: `ref-${orderId}`, amount: o.amount ?? TOTAL, capturedAt: sut.now().toISOString() },
        o.id ? { id: o.id } : {},
      ),
    ship: () => self.post('/shipments', as('seller', seller), { carrier: 'DHL', trackingNumber: 'TRK-1' }),
    confirm: () => self.post('/confirm-receipt', as('buyer', buyer)),
    /** disputes.v1 DisputeOpened (the dispute service checked D1). */
    disputeOpened: (disputeId: string, openedAt = sut.now().toISOString()) =>
      sut.publish(DisputeOpened, {
        disputeId,
        orderId,
        buyerId: buyer,
        sellerId: seller,
        reason: 'NOT_RECEIVED',
        goodsReceived: false,
        proposal: { proposalId: `p-${disputeId}`, by: 'buyer', type: 'REFUND_ONLY', refund: TOTAL },
        openedAt,
        sellerRespondBy: new Date(Date.parse(openedAt) + 5 * 86_400_000).toISOString(),
      }),
    disputeWithdrawn: (disputeId: string) => sut.publish(DisputeWithdrawn, { disputeId, orderId, withdrawnAt: sut.now().toISOString() }),
    /** S3: waits for the order's ProtectionEnded and answers it as the dispute service would (no dispute open). */
    async protectionEndAcknowledged(round = 1) {
      await sut.awaitPublished(
        (e) =>
          e.type === 'ProtectionEnded' && (e.data as { orderId: string; round: number }).orderId === orderId && (e.data as { round: number }).round === round,
      );
      await sut.publish(ProtectionEndAcknowledged, { orderId, round, openDisputeId: null, acknowledgedAt: sut.now().toISOString() });
    },
    /** Placed, paid and shipped: protection is running (O5). */
    async shipped() {
      await self.place();
      await self.paid();
      const res = await self.ship();
      if (res.status !== 200) throw new Error(`ship answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body;
    },
    published: (type: string) => sut.published().filter((e) => e.type === type && (e.data as { orderId?: string }).orderId === orderId),
    awaitPublished: (type: string) => sut.awaitPublished((e) => e.type === type && (e.data as { orderId?: string }).orderId === orderId),
  };
  return self;
};
