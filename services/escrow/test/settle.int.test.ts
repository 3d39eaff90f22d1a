import { randomUUID } from 'node:crypto';
import { startServiceForTest, testDatabase, testKafka, type ServiceUnderTest, type TestDatabase, type TestKafka } from '@bp/testing';
import { createEscrowService } from '../src';
import { createSandboxProvider, type SandboxProvider } from '../src/providers';
import { upstream, type TestOrder } from './int/fixtures';

// POST /ops/clock returns only after every consequence landed (settle.ts): the refund dispatcher runs
// in the background, so escrow's settle hook also sends the refunds due now and counts those another
// loop holds as pending. The provider here answers refunds slowly (300 ms), so a settle that did not
// wait for them would return with the refund still in flight. No polling below: one settle, then look.
describe('escrow settles its refunds with the simulated clock (E4, POST /ops/clock)', () => {
  let db: TestDatabase;
  let kafka: TestKafka;
  let sut: ServiceUnderTest;
  let sandbox!: SandboxProvider;
  let up: ReturnType<typeof upstream>;
  const ops = { role: 'ops' as const, sub: 'ops-1' };

  beforeAll(async () => {
    db = await testDatabase('escrow_settle');
    kafka = await testKafka();
    const slow = (deps: Parameters<typeof createSandboxProvider>[0]): SandboxProvider => {
      sandbox = createSandboxProvider(deps);
      return {
        ...sandbox,
        refund: async (r) => {
          await new Promise((res) => setTimeout(res, 300));
          return sandbox.refund(r);
        },
      };
    };
    sut = await startServiceForTest(createEscrowService({ provider: slow, refundPollIntervalMs: 50 }), { db, kafka });
    up = upstream(sut);
  }, 60_000);
  afterAll(async () => {
    await sut?.stop();
    await kafka?.stop();
    await db?.close();
  });

  const paidOrder = async (): Promise<TestOrder> => {
    const o: TestOrder = { orderId: `ord-${randomUUID()}`, buyerId: `buyer-${randomUUID()}`, sellerId: `seller-${randomUUID()}`, total: 10_000 };
    await up.placed(o);
    const paid = await sut.request('POST', '/payments', {
      as: { role: 'buyer', sub: o.buyerId },
      body: { orderId: o.orderId, paymentMethod: { type: 'sandbox', token: 'tok_ok' } },
    });
    expect(paid.body.status).toBe('captured');
    return o;
  };
  const refunds = async (o: TestOrder) => (await sut.request('GET', `/escrows/${o.orderId}`, { as: ops })).body.refunds;

  it('E4: an outcome that requests a refund settles with the refund completed (RefundCompleted recorded) in the escrow view', async () => {
    const o = await paidOrder();
    await up.settled(o, 'd-settle', 4_000); // publishes, then settles once
    expect(await refunds(o)).toEqual([
      expect.objectContaining({ reason: 'DISPUTE_SETTLED', status: 'completed', attempts: 1, amount: { amount: 4_000, currency: 'USD' } }),
    ]);
    expect(sandbox.refundsPaid().size).toBeGreaterThan(0);
  });

  it('E4: a refund retry that comes due when the clock moves is completed when the clock returns', async () => {
    const o = await paidOrder();
    sandbox.failNextRefunds(1);
    await up.cancelled(o);
    expect(await refunds(o)).toEqual([expect.objectContaining({ reason: 'ORDER_CANCELLED', status: 'retry_scheduled', attempts: 1 })]);
    await sut.advance('PT30S'); // the refund_retry deadline (30 s backoff) fires, its resend is answered before this returns
    expect(await refunds(o)).toEqual([expect.objectContaining({ reason: 'ORDER_CANCELLED', status: 'completed', attempts: 2 })]);
  });
});
