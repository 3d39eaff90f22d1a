import { DisputeOpened, FundsReleased, OrderPlaced } from '@bp/contracts';
import { rebuildProjection } from '@bp/eventstore';
import { startServiceForTest, testDatabase, testKafka, type ServiceUnderTest, type TestDatabase, type TestKafka } from '@bp/testing';
import { Kafka, logLevel } from 'kafkajs';
import { createNotificationService } from '../src';
import { parkedCount } from '../src/app/parking';
import { loopbackWebhooks, startReceiver, startTestSmtp, upstream, waitFor, type TestSmtp } from './support';

// Topics are consumed independently: an escrow.v1 or disputes.v1 event about an order can arrive
// before that order's OrderPlaced. It is parked (not retried into the dead-letter topic) and applied
// once, in the order received, when OrderPlaced brings the order's facts.
describe('events that arrive before their OrderPlaced', () => {
  let db: TestDatabase;
  let kafka: TestKafka;
  let smtp: TestSmtp;
  let hooks: Awaited<ReturnType<typeof startReceiver>>;
  let sut: ServiceUnderTest;
  const seller = { role: 'seller' as const, sub: 'seller-p' };
  const buyer = { role: 'buyer' as const, sub: 'buyer-p' };
  const FUNDS_RELEASED = 'marketplace.escrow.funds-released.v1';
  let releasedId = '';

  beforeAll(async () => {
    db = await testDatabase('notif_parking');
    kafka = await testKafka();
    smtp = await startTestSmtp();
    hooks = await startReceiver([200]);
    sut = await startServiceForTest(createNotificationService({ ...loopbackWebhooks, env: { ...loopbackWebhooks.env, SMTP_URL: smtp.url } }), { db, kafka });
  }, 60_000);
  afterAll(async () => {
    await sut?.stop();
    await hooks?.stop();
    await smtp?.stop();
    await kafka?.stop();
    await db?.close();
  });

  const schema = () => sut.service.ctx.schema;
  const inbox = async (as: { role: 'buyer' | 'seller'; sub: string }) =>
    (await sut.request('GET', '/inbox?limit=100', { as })).body.items as { kind: string; orderId: string }[];
  const mailsTo = (address: string) => smtp.mails.filter((m) => m.to.includes(address));
  const consumed = async (ids: string[]) => (await db.pool.query(`SELECT event_id FROM "${schema()}".inbox WHERE event_id = ANY($1)`, [ids])).rowCount;
  const noticeKindsInLogOrder = async (orderId: string) =>
    (
      await db.pool.query<{ kind: string }>(
        `SELECT data->>'kind' AS kind FROM "${schema()}".events WHERE type = 'NoticeRequested' AND data->>'orderId' = $1 ORDER BY global_position`,
        [orderId],
      )
    ).rows.map((r) => r.kind);

  /** Messages on this service's dead-letter topic (`<group>.dlt`; the harness names the group after the schema). */
  const deadLetters = async (): Promise<number> => {
    const topic = `${schema().replace(/_notification$/, '-notification')}.dlt`;
    const admin = new Kafka({ clientId: 'parking-test', brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      if (!(await admin.listTopics()).includes(topic)) return 0;
      return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
    } finally {
      await admin.disconnect();
    }
  };

  it('FundsReleased and DisputeOpened before OrderPlaced: parked, then notified exactly once in the order received', async () => {
    await sut.request('PUT', '/recipients/seller-p', { as: seller, body: { email: 'seller-p@example.com', locale: 'en', emailOptOut: [] } });
    const partner = { role: 'partner' as const, sub: 'payouts' };
    expect((await sut.request('POST', '/webhooks', { as: partner, body: { url: hooks.url, eventTypes: [FUNDS_RELEASED] } })).status).toBe(201);

    const released = await sut.publish(FundsReleased, upstream.fundsReleased(sut.now(), 'o-p1', 'seller-p'));
    releasedId = released;
    const opened = await sut.publish(DisputeOpened, upstream.disputeOpened(sut.now(), 'o-p1', 'buyer-p', 'seller-p'));

    // Consumed (in the inbox), parked, not dead-lettered, and nobody told anything yet.
    expect(await consumed([released, opened])).toBe(2);
    expect(await parkedCount(db.pool, schema())).toBe(2);
    expect(await deadLetters()).toBe(0);
    expect(await inbox(seller)).toEqual([]);
    expect(hooks.received).toEqual([]);
    expect(mailsTo('seller-p@example.com')).toEqual([]);

    await sut.publish(OrderPlaced, upstream.orderPlaced(sut.now(), 'o-p1', 'buyer-p', 'seller-p'));

    expect(await parkedCount(db.pool, schema())).toBe(0);
    expect(await noticeKindsInLogOrder('o-p1')).toEqual(['order_placed', 'funds_released', 'dispute_opened']);
    expect((await inbox(seller)).map((i) => i.kind).sort()).toEqual(['dispute_opened', 'funds_released']);
    expect((await inbox(buyer)).map((i) => i.kind)).toEqual(['order_placed']);
    const mails = await waitFor(() => (mailsTo('seller-p@example.com').length >= 2 ? mailsTo('seller-p@example.com') : undefined), "the seller's two e-mails");
    expect(mails).toHaveLength(2);
    expect(hooks.received.map((r) => r.headers['ce-id'])).toEqual([released]);
    expect(JSON.parse(hooks.received[0]!.body)).toMatchObject({ id: released, type: FUNDS_RELEASED, data: { orderId: 'o-p1' } });

    // The parked DisputeOpened armed its reminder on replay: 24 h before the 5-day answer deadline.
    await sut.advance('P4DT1H');
    expect((await inbox(seller)).filter((i) => i.kind === 'reminder_dispute_answer').map((i) => i.orderId)).toEqual(['o-p1']);
    expect(await deadLetters()).toBe(0);
  });

  it('a redelivery of a parked-then-applied event changes nothing', async () => {
    const before = { seller: (await inbox(seller)).length, mails: smtp.mails.length, hooks: hooks.received.length };
    await sut.publish(FundsReleased, upstream.fundsReleased(sut.now(), 'o-p1', 'seller-p'), { id: releasedId });
    await sut.advance('PT1H');

    expect(await parkedCount(db.pool, schema())).toBe(0);
    expect((await inbox(seller)).length).toBe(before.seller);
    expect(smtp.mails.length).toBe(before.mails);
    expect(hooks.received.length).toBe(before.hooks);
    expect(await noticeKindsInLogOrder('o-p1')).toEqual(['order_placed', 'funds_released', 'dispute_opened', 'reminder_dispute_answer']);
    expect(await deadLetters()).toBe(0);
  });

  it("an order's OrderPlaced replays only that order's parked events", async () => {
    await sut.publish(FundsReleased, upstream.fundsReleased(sut.now(), 'o-p2', 'seller-p'));
    await sut.publish(FundsReleased, upstream.fundsReleased(sut.now(), 'o-p3', 'seller-p'));
    expect(await parkedCount(db.pool, schema())).toBe(2);

    await sut.publish(OrderPlaced, upstream.orderPlaced(sut.now(), 'o-p2', 'buyer-p', 'seller-p'));
    expect(await parkedCount(db.pool, schema())).toBe(1);
    expect(await noticeKindsInLogOrder('o-p2')).toEqual(['order_placed', 'funds_released']);
    expect(await noticeKindsInLogOrder('o-p3')).toEqual([]);

    await sut.publish(OrderPlaced, upstream.orderPlaced(sut.now(), 'o-p3', 'buyer-p', 'seller-p'));
    expect(await parkedCount(db.pool, schema())).toBe(0);
    expect(await noticeKindsInLogOrder('o-p3')).toEqual(['order_placed', 'funds_released']);
    expect(await deadLetters()).toBe(0);
  });

  it('`ops replay` rebuilds the read models from the log and leaves parked events (operational state) alone', async () => {
    await sut.publish(DisputeOpened, upstream.disputeOpened(sut.now(), 'o-p4', 'buyer-p', 'seller-p'));
    expect(await parkedCount(db.pool, schema())).toBe(1);
    const sellerBefore = await inbox(seller);

    const { ctx } = sut.service;
    for (const projection of createNotificationService().projections!(ctx)) await rebuildProjection(ctx.store, projection);

    expect(await inbox(seller)).toEqual(sellerBefore);
    expect(await parkedCount(db.pool, schema())).toBe(1);
    await sut.publish(OrderPlaced, upstream.orderPlaced(sut.now(), 'o-p4', 'buyer-p', 'seller-p'));
    expect(await parkedCount(db.pool, schema())).toBe(0);
    expect((await inbox(seller)).filter((i) => i.orderId === 'o-p4').map((i) => i.kind)).toEqual(['dispute_opened']);
  });
});
