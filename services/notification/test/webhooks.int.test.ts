import { OrderCompleted, OrderPlaced } from '@bp/contracts';
import { rebuildProjection } from '@bp/eventstore';
import { startServiceForTest, testDatabase, testKafka, type ServiceUnderTest, type TestDatabase, type TestKafka } from '@bp/testing';
import { makePolicy } from '@bp/timers';
import { createNotificationService } from '../src';
import { verifyWebhook } from '../src/domain/webhooks/signature';
import { inboxProjection } from '../src/projections/inbox';
import { deliveriesProjection, subscriptionsProjection } from '../src/projections/webhooks';
import { loopbackWebhooks, startReceiver, upstream } from './support';

// N4, N5: partner webhooks, signed, retried with backoff on the simulated clock, at least once.
describe('partner webhooks', () => {
  let db: TestDatabase;
  let kafka: TestKafka;
  let sut: ServiceUnderTest;
  const partner = { role: 'partner' as const, sub: 'cashback' };
  const other = { role: 'partner' as const, sub: 'analytics' };
  const COMPLETED = 'marketplace.order.completed.v1';
  const receivers: { stop(): Promise<void> }[] = [];
  // Issue 17: names the stubbed resolver answers (DNS is never asked); a test may rebind one.
  const names = new Map<string, string[]>();

  beforeAll(async () => {
    db = await testDatabase('notif_webhooks');
    kafka = await testKafka();
    const policy = makePolicy({ notifications: { webhookPauseAfterFailures: 3 } });
    sut = await startServiceForTest(
      createNotificationService({ ...loopbackWebhooks, resolve: async (host) => names.get(host) ?? loopbackWebhooks.resolve(host) }),
      { db, kafka, policy },
    );
  }, 60_000);
  afterAll(async () => {
    await sut?.stop();
    for (const r of receivers) await r.stop();
    await kafka?.stop();
    await db?.close();
  });

  const receiver = async (statuses: number[]) => {
    const r = await startReceiver(statuses);
    receivers.push(r);
    return r;
  };
  const nowSeconds = () => Math.floor(sut.now().getTime() / 1000);

  it('a receiver that fails twice then succeeds gets exactly one accepted delivery, validly signed', async () => {
    const hooks = await receiver([500, 503, 200]);
    const created = await sut.request('POST', '/webhooks', { as: partner, body: { url: hooks.url, eventTypes: [COMPLETED] } });
    expect(created).toMatchObject({ status: 201, body: { id: expect.any(String), secret: expect.stringMatching(/^whsec_/) } });
    const { id, secret } = created.body as { id: string; secret: string };

    await sut.publish(OrderPlaced, upstream.orderPlaced(sut.now(), 'o-w1', 'buyer-w', 'seller-w')); // not subscribed
    const eventId = await sut.publish(OrderCompleted, upstream.orderCompleted(sut.now(), 'o-w1', 'buyer-w', 'seller-w'));
    expect(hooks.received.map((r) => r.answered)).toEqual([500]);

    await sut.advance('PT10S'); // backoff base
    expect(hooks.received.map((r) => r.answered)).toEqual([500, 503]);
    await sut.advance('PT20S'); // doubled
    expect(hooks.received.map((r) => r.answered)).toEqual([500, 503, 200]);
    const acceptedAt = nowSeconds();
    await sut.advance('P1D'); // nothing more once accepted
    expect(hooks.received).toHaveLength(3);

    const accepted = hooks.received[2]!;
    expect(verifyWebhook(secret, accepted.body, String(accepted.headers['webhook-signature']), acceptedAt, 300)).toBe('valid');
    expect(verifyWebhook(secret, accepted.body, String(accepted.headers['webhook-signature']), nowSeconds(), 300)).toBe('stale'); // a day later: no replay
    expect(verifyWebhook('whsec_wrong', accepted.body, String(accepted.headers['webhook-signature']), acceptedAt, 300)).toBe('mismatch');
    expect(accepted.headers['ce-id']).toBe(eventId);
    // Every attempt is the same delivery of the same event: partners dedupe on these ids.
    expect(new Set(hooks.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(JSON.parse(accepted.body)).toMatchObject({ specversion: '1.0', id: eventId, type: COMPLETED, data: { orderId: 'o-w1', reason: 'CONFIRMED' } });

    const log = await sut.request('GET', `/webhooks/${id}/deliveries`, { as: partner });
    expect(log.body.items).toEqual([
      expect.objectContaining({ id: accepted.headers['webhook-id'], eventId, ceType: COMPLETED, status: 'succeeded', attempts: 3, lastStatus: 200 }),
    ]);

    // Replay on request: delivered again (at least once), same event id.
    const redeliver = await sut.request('POST', `/webhooks/${id}/deliveries/${String(accepted.headers['webhook-id'])}/redeliver`, { as: partner });
    expect(redeliver).toMatchObject({ status: 202, body: { status: 'pending' } });
    await sut.settle();
    expect(hooks.received).toHaveLength(4);
    expect(hooks.received[3]!.headers['ce-id']).toBe(eventId);
    const fresh = hooks.received[3]!;
    expect(verifyWebhook(secret, fresh.body, String(fresh.headers['webhook-signature']), nowSeconds(), 300)).toBe('valid');
  });

  it("lists only the caller's subscriptions, without secrets; another partner's is a 404", async () => {
    const mine = await sut.request('GET', '/webhooks', { as: partner });
    expect(mine.body.items).toHaveLength(1);
    expect(JSON.stringify(mine.body)).not.toContain('whsec_');
    const id = mine.body.items[0].id as string;
    expect((await sut.request('GET', '/webhooks', { as: other })).body.items).toEqual([]);
    expect((await sut.request('GET', `/webhooks/${id}/deliveries`, { as: other })).status).toBe(404);
    expect((await sut.request('DELETE', `/webhooks/${id}`, { as: other })).status).toBe(404);
    expect((await sut.request('GET', '/webhooks', { as: { role: 'buyer', sub: 'buyer-w' } })).status).toBe(403);
    expect((await sut.request('POST', '/webhooks', { as: partner, body: { url: 'ftp://x', eventTypes: [COMPLETED] } })).status).toBe(400);
  });

  it('pauses a subscription after consecutive failures; paused and deleted ones get no new deliveries', async () => {
    const down = await receiver([500]);
    const created = await sut.request('POST', '/webhooks', { as: other, body: { url: down.url, eventTypes: [COMPLETED] } });
    const id = created.body.id as string;
    await sut.publish(OrderPlaced, upstream.orderPlaced(sut.now(), 'o-w2', 'buyer-w', 'seller-w'));
    await sut.publish(OrderCompleted, upstream.orderCompleted(sut.now(), 'o-w2', 'buyer-w', 'seller-w'));
    await sut.advance('PT10S');
    await sut.advance('PT20S');
    expect(down.received).toHaveLength(3);
    expect((await sut.request('GET', '/webhooks', { as: other })).body.items).toEqual([
      expect.objectContaining({ id, status: 'paused', consecutiveFailures: 3 }),
    ]);

    await sut.advance('PT1H'); // the pending delivery is not POSTed to a paused subscription
    expect(down.received).toHaveLength(3);

    const mine = (await sut.request('GET', '/webhooks', { as: partner })).body.items[0].id as string;
    expect((await sut.request('DELETE', `/webhooks/${mine}`, { as: partner })).status).toBe(204);
    await sut.publish(OrderPlaced, upstream.orderPlaced(sut.now(), 'o-w3', 'buyer-w', 'seller-w'));
    await sut.publish(OrderCompleted, upstream.orderCompleted(sut.now(), 'o-w3', 'buyer-w', 'seller-w'));
    expect(down.received).toHaveLength(3);
    expect((await sut.request('GET', '/webhooks', { as: partner })).body.items).toEqual([]);
  });

  it('DNS rebinding after registration (issue 17 SSRF): the next delivery is refused after resolution, recorded, and no request is sent', async () => {
    const rebinder = { role: 'partner' as const, sub: 'rebinder' };
    const hooks = await receiver([200]);
    names.set('hooks.rebinder.test', ['127.0.0.1']); // the allowlisted receiver, for now
    const url = `http://hooks.rebinder.test:${new URL(hooks.url).port}/hooks`;
    const created = await sut.request('POST', '/webhooks', { as: rebinder, body: { url, eventTypes: [COMPLETED] } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await sut.publish(OrderPlaced, upstream.orderPlaced(sut.now(), 'o-w4', 'buyer-w', 'seller-w'));
    await sut.publish(OrderCompleted, upstream.orderCompleted(sut.now(), 'o-w4', 'buyer-w', 'seller-w'));
    expect(hooks.received).toHaveLength(1);
    expect(hooks.received[0]!.headers.host).toBe(`hooks.rebinder.test:${new URL(hooks.url).port}`);

    names.set('hooks.rebinder.test', ['169.254.169.254']); // the name now points at the metadata endpoint
    await sut.publish(OrderPlaced, upstream.orderPlaced(sut.now(), 'o-w5', 'buyer-w', 'seller-w'));
    await sut.publish(OrderCompleted, upstream.orderCompleted(sut.now(), 'o-w5', 'buyer-w', 'seller-w'));
    const log = await sut.request('GET', `/webhooks/${id}/deliveries`, { as: rebinder });
    expect(
      log.body.items.map((d: { status: string; lastError: string | null; lastStatus: number | null }) => [d.status, d.lastError, d.lastStatus]).sort(),
    ).toEqual([
      ['pending', 'WEBHOOK_TARGET_FORBIDDEN', null], // retried with backoff like any failure
      ['succeeded', null, 200],
    ]);
    expect(hooks.received).toHaveLength(1);
    // Registering the rebound name now is refused outright.
    const again = await sut.request('POST', '/webhooks', { as: rebinder, body: { url, eventTypes: [COMPLETED] } });
    expect(again).toMatchObject({ status: 422, body: { code: 'WEBHOOK_TARGET_FORBIDDEN' } });
    expect((await sut.request('DELETE', `/webhooks/${id}`, { as: rebinder })).status).toBe(204);
  });

  it('every read model rebuilt from the log equals the one kept inline (event by event, batched, batched with spills)', async () => {
    const { schema, store } = sut.service.ctx;
    const dump = async () =>
      Promise.all(
        ['message_center ORDER BY notice_id', 'webhook_subscriptions ORDER BY subscription_id', 'webhook_deliveries ORDER BY delivery_id'].map(
          async (q) => (await db.pool.query(`SELECT * FROM "${schema}".${q}`)).rows,
        ),
      );
    const before = await dump();
    expect(before.map((rows) => rows.length > 0)).toEqual([true, true, true]);
    for (const opts of [{ perEvent: true }, {}, { batchSize: 3, maxRows: 2 }]) {
      for (const p of [inboxProjection(schema), subscriptionsProjection(schema), deliveriesProjection(schema)]) await rebuildProjection(store, p, opts);
      expect(await dump()).toEqual(before);
    }
  });
});
