import { OrderPaid, OrderPlaced, OrderShipped } from '@bp/contracts';
import { startServiceForTest, testDatabase, testKafka, type ServiceUnderTest, type TestDatabase, type TestKafka } from '@bp/testing';
import { createNotificationService } from '../src';
import { upstream } from './support';

// N2: a reminder is armed by the event that starts a deadline, fired by the shared timers ahead of
// it, and cancelled when its reason goes away.
describe('reminders (N2)', () => {
  let db: TestDatabase;
  let kafka: TestKafka;
  let sut: ServiceUnderTest;
  const seller = { role: 'seller' as const, sub: 'seller-r' };

  beforeAll(async () => {
    db = await testDatabase('notif_reminders');
    kafka = await testKafka();
    sut = await startServiceForTest(createNotificationService({ env: {} }), { db, kafka });
  }, 60_000);
  afterAll(async () => {
    await sut?.stop();
    await kafka?.stop();
    await db?.close();
  });

  const sellerInbox = async () =>
    (await sut.request('GET', '/inbox?limit=100', { as: seller })).body.items as { kind: string; orderId: string; text: string }[];

  it('the ship reminder fires 24 h before shipBy for an unshipped order, and is cancelled by OrderShipped', async () => {
    for (const orderId of ['o-shipped', 'o-unshipped']) {
      await sut.publish(OrderPlaced, upstream.orderPlaced(sut.now(), orderId, 'buyer-r', 'seller-r'));
      await sut.publish(OrderPaid, upstream.orderPaid(sut.now(), orderId, 'buyer-r', 'seller-r')); // shipBy = now + 7 days
    }
    await sut.advance('P1D');
    await sut.publish(OrderShipped, upstream.orderShipped(sut.now(), 'o-shipped', 'buyer-r', 'seller-r'));

    await sut.advance('P5DT1H'); // past shipBy − 24 h
    const reminders = (await sellerInbox()).filter((i) => i.kind === 'reminder_ship');
    expect(reminders.map((r) => r.orderId)).toEqual(['o-unshipped']);

    await sut.advance('P3D'); // a fired or cancelled reminder never comes back
    expect((await sellerInbox()).filter((i) => i.kind === 'reminder_ship')).toHaveLength(1);
  });
});
