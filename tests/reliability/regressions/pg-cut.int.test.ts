// Regression: a Postgres connection reset while a client was checked out made pg emit 'error' on a
// client nobody listened to, an uncaught exception that would kill the process. The runtime now
// listens on every client; the query in flight rejects and is retried.
import { orderService } from '@bp/order-service';
import { startServiceForTest, startTcpProxy, testDatabase, testKafka } from '@bp/testing';

it('a Postgres cut does not produce an uncaught error in the order service', async () => {
  const db = await testDatabase('rel_pgcut');
  const kafka = await testKafka();
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(db.url).port || 5432) });
  const url = new URL(db.url);
  url.port = String(proxy.port);
  const sut = await startServiceForTest(orderService, { db, kafka, env: { DATABASE_URL: url.toString() } });
  const body = {
    sellerId: 's',
    currency: 'USD',
    items: [{ sku: 's', title: 'x', quantity: 1, unitPrice: 100 }],
    shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: '1', country: 'US' },
  };
  try {
    for (let i = 0; i < 20; i++) {
      const pending = sut.request('POST', '/orders', { as: { role: 'buyer', sub: 'b' }, body });
      proxy.cut();
      await pending;
    }
  } finally {
    await sut.stop();
    await proxy.close();
    await kafka.stop();
    await db.close();
  }
}, 60_000);
