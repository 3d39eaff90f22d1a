import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OrderPaid, OrderPlaced, OrderShipped, type Money, type Role } from '@bp/contracts';
import { startServiceForTest, testDatabase, testKafka, type ServiceUnderTest, type TestDatabase, type TestKafka } from '@bp/testing';
import { addDuration, defaultPolicy, snapshotOf } from '@bp/timers';
import { createDisputeService, localBlobStore } from '../../src';

export const usd = (amount: number): Money => ({ amount, currency: 'USD' });
export const PAID = usd(10_000);

export interface DisputeSut {
  sut: ServiceUnderTest;
  db: TestDatabase;
  blobDir: string;
  schema: string;
  stop(): Promise<void>;
}

/** The dispute service in-process on a test database, broker and blob directory. */
export const startDispute = async (prefix: string): Promise<DisputeSut> => {
  const db = await testDatabase(prefix);
  const kafka: TestKafka = await testKafka();
  const blobDir = await mkdtemp(path.join(tmpdir(), 'dispute-blobs-'));
  const sut = await startServiceForTest(createDisputeService({ blobs: () => localBlobStore(blobDir) }), { db, kafka });
  return {
    sut,
    db,
    blobDir,
    schema: sut.service.ctx.schema,
    async stop() {
      await sut?.stop();
      await kafka?.stop();
      await db?.close();
      await rm(blobDir, { recursive: true, force: true });
    },
  };
};

/** Files under the blob directory (recursively). */
export const storedBlobs = async (dir: string): Promise<string[]> =>
  (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);

let seq = 0;
export interface Order {
  orderId: string;
  buyerId: string;
  sellerId: string;
}

/** Plays the order service: an order placed, paid and shipped now (protection 60 days). */
export const shippedOrder = async (sut: ServiceUnderTest, o: Partial<Order> = {}): Promise<Order> => {
  const n = ++seq;
  const order: Order = { orderId: `order-${n}-${Date.now()}`, buyerId: `buyer-${n}`, sellerId: `seller-${n}`, ...o };
  const now = sut.now().toISOString();
  const parties = { orderId: order.orderId, buyerId: order.buyerId, sellerId: order.sellerId };
  await sut.publish(OrderPlaced, {
    ...parties,
    currency: 'USD',
    items: [{ sku: 'sku-1', title: 'Lamp', quantity: 1, unitPrice: PAID }],
    total: PAID,
    protectionDays: 60,
    handlingDays: 7,
    placedAt: now,
    paymentDueAt: addDuration(now, 'PT24H'),
    policy: snapshotOf(defaultPolicy),
  });
  await sut.publish(OrderPaid, { ...parties, paymentId: `pay-${n}`, amount: PAID, paidAt: now, shipBy: addDuration(now, 'P7D') });
  await sut.publish(OrderShipped, { ...parties, carrier: 'DHL', trackingNumber: `TRK${n}`, shippedAt: now, protectionEndsAt: addDuration(now, 'P60D') });
  return order;
};

export const as = (role: Role, sub: string) => ({ as: { role, sub } });
