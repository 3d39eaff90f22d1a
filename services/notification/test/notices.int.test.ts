import { DisputeOpened, OrderPlaced, PaymentFailed } from '@bp/contracts';
import { startServiceForTest, testDatabase, testKafka, type ServiceUnderTest, type TestDatabase, type TestKafka } from '@bp/testing';
import { createNotificationService } from '../src';
import { formatInstant } from '../src/domain/templates/format';
import { renderNotice } from '../src/domain/templates/render';
import { startTestSmtp, upstream, waitFor, type TestSmtp } from './support';

// N1, N3, N4 end to end in one service: upstream events in through Kafka, notices out to the message
// center, to a real SMTP server (in the recipient's locale) and as NoticeSent on notifications.v1.
describe('notices: message center and e-mail', () => {
  let db: TestDatabase;
  let kafka: TestKafka;
  let smtp: TestSmtp;
  let sut: ServiceUnderTest;
  const seller = { role: 'seller' as const, sub: 'seller-1' };
  const buyer = { role: 'buyer' as const, sub: 'buyer-1' };

  beforeAll(async () => {
    db = await testDatabase('notif_notices');
    kafka = await testKafka();
    smtp = await startTestSmtp();
    sut = await startServiceForTest(createNotificationService({ env: { SMTP_URL: smtp.url } }), { db, kafka });
  }, 60_000);
  afterAll(async () => {
    await sut?.stop();
    await smtp?.stop();
    await kafka?.stop();
    await db?.close();
  });

  const inbox = async (as: { role: 'buyer' | 'seller'; sub: string }) =>
    (await sut.request('GET', '/inbox?limit=100', { as })).body.items as {
      id: string;
      kind: string;
      orderId: string;
      subject: string;
      text: string;
      readAt: string | null;
    }[];
  const mailsTo = (address: string) => smtp.mails.filter((m) => m.to.includes(address));

  it('N1/N3/N4: a dispute opened notifies the seller in-app and by e-mail in Russian, naming the 5-day deadline', async () => {
    const put = await sut.request('PUT', '/recipients/seller-1', { as: seller, body: { email: 'seller-1@example.com', locale: 'ru', emailOptOut: [] } });
    expect(put).toMatchObject({ status: 200, body: { userId: 'seller-1', locale: 'ru', email: 'seller-1@example.com' } });

    await sut.publish(OrderPlaced, upstream.orderPlaced(sut.now(), 'o-1', 'buyer-1', 'seller-1'));
    const opened = upstream.disputeOpened(sut.now(), 'o-1', 'buyer-1', 'seller-1');
    await sut.publish(DisputeOpened, opened);

    const expected = renderNotice(
      { kind: 'dispute_opened', recipientId: 'seller-1', orderId: 'o-1', deadline: opened.sellerRespondBy, vars: { orderId: 'o-1' } },
      'ru',
    );
    const items = await inbox(seller);
    expect(items).toEqual([expect.objectContaining({ kind: 'dispute_opened', orderId: 'o-1', subject: expected.subject, readAt: null })]);

    const [mail, ...more] = await waitFor(() => (mailsTo('seller-1@example.com').length ? mailsTo('seller-1@example.com') : undefined), 'the e-mail');
    expect(more).toEqual([]);
    expect(mail!.subject).toBe(expected.subject);
    expect(mail!.text).toBe(expected.text);
    expect(mail!.text).toContain(formatInstant(opened.sellerRespondBy, 'ru'));
    expect(mail!.html).toContain('lang="ru"');

    // Both deliveries are announced to partners on notifications.v1.
    for (const channel of ['in_app', 'email']) {
      await sut.awaitPublished(
        (e) =>
          e.type === 'NoticeSent' &&
          (e.data as { recipientId: string; kind: string; channel: string }).kind === 'dispute_opened' &&
          (e.data as { channel: string }).channel === channel,
      );
    }
    // The buyer gave no address: the order-placed notice is in-app only.
    expect((await inbox(buyer)).map((i) => i.kind)).toEqual(['order_placed']);
    expect(mailsTo('buyer-1@example.com')).toEqual([]);
  });

  it('a redelivered Kafka message (same ce_id) notifies once', async () => {
    await sut.publish(OrderPlaced, upstream.orderPlaced(sut.now(), 'o-2', 'buyer-1', 'seller-1'));
    const id = '7d9b1f1e-2f0a-4c55-9d1e-3b2a3f4e5d6c';
    const opened = upstream.disputeOpened(sut.now(), 'o-2', 'buyer-1', 'seller-1');
    await sut.publish(DisputeOpened, opened, { id });
    await sut.publish(DisputeOpened, opened, { id });

    expect((await inbox(seller)).filter((i) => i.orderId === 'o-2')).toHaveLength(1);
    await waitFor(() => (mailsTo('seller-1@example.com').length >= 2 ? true : undefined), 'the e-mail for o-2');
    expect(mailsTo('seller-1@example.com').filter((m) => m.subject.includes('o-2'))).toHaveLength(1);
    type Sent = { orderId: string; kind: string; channel: string };
    const isO2Dispute = (d: Sent) => d.orderId === 'o-2' && d.kind === 'dispute_opened';
    await sut.awaitPublished((e) => e.type === 'NoticeSent' && isO2Dispute(e.data as Sent) && (e.data as Sent).channel === 'email');
    const sent = sut
      .published('notifications.v1')
      .map((e) => e.data as Sent)
      .filter(isO2Dispute);
    expect(sent.map((d) => d.channel).sort()).toEqual(['email', 'in_app']);
  });

  it('N4: an e-mail opt-out is honoured; the notice still reaches the message center', async () => {
    const optedOut = { role: 'buyer' as const, sub: 'buyer-2' };
    const control = { role: 'buyer' as const, sub: 'buyer-3' };
    await sut.request('PUT', '/recipients/buyer-2', { as: optedOut, body: { email: 'buyer-2@example.com', locale: 'en', emailOptOut: ['orders'] } });
    await sut.request('PUT', '/recipients/buyer-3', { as: control, body: { email: 'buyer-3@example.com', locale: 'ja', emailOptOut: [] } });
    await sut.publish(OrderPlaced, upstream.orderPlaced(sut.now(), 'o-3', 'buyer-2', 'seller-9'));
    await sut.publish(OrderPlaced, upstream.orderPlaced(sut.now(), 'o-4', 'buyer-3', 'seller-9'));

    const [controlMail] = await waitFor(() => (mailsTo('buyer-3@example.com').length ? mailsTo('buyer-3@example.com') : undefined), 'the control e-mail');
    expect(controlMail!.subject).toContain('o-4');
    expect(mailsTo('buyer-2@example.com')).toEqual([]);
    expect((await inbox(optedOut)).map((i) => i.kind)).toEqual(['order_placed']);
    const recipient = await sut.request('GET', '/recipients/buyer-2', { as: optedOut });
    expect(recipient.body).toMatchObject({ emailOptOut: ['orders'], locale: 'en' });
  });

  it('N4: unread count and mark read; another user cannot read or mark the notice (404)', async () => {
    const before = (await sut.request('GET', '/inbox/unread-count', { as: seller })).body.unread as number;
    const [first] = await inbox(seller);
    expect(before).toBeGreaterThanOrEqual(2);

    expect((await sut.request('POST', `/inbox/${first!.id}/read`, { as: buyer })).status).toBe(404);
    expect((await sut.request('POST', '/inbox/no-such-notice/read', { as: seller })).status).toBe(404);
    expect((await inbox(buyer)).map((i) => i.id)).not.toContain(first!.id);

    const read = await sut.request('POST', `/inbox/${first!.id}/read`, { as: seller });
    expect(read).toMatchObject({ status: 200, body: { id: first!.id, readAt: expect.any(String) } });
    expect((await sut.request('POST', `/inbox/${first!.id}/read`, { as: seller })).body.readAt).toBe(read.body.readAt); // idempotent
    expect((await sut.request('GET', '/inbox/unread-count', { as: seller })).body.unread).toBe(before - 1);
    expect((await inbox(seller)).find((i) => i.id === first!.id)?.readAt).toBe(read.body.readAt);
  });

  it('a refused e-mail is retried with backoff and delivered once', async () => {
    smtp.refuse(1);
    await sut.publish(OrderPlaced, upstream.orderPlaced(sut.now(), 'o-5', 'buyer-5', 'seller-1'));
    await sut.publish(DisputeOpened, upstream.disputeOpened(sut.now(), 'o-5', 'buyer-5', 'seller-1'));
    const forO5 = () => mailsTo('seller-1@example.com').filter((m) => m.subject.includes('o-5'));
    expect(forO5()).toEqual([]);
    expect(
      sut
        .published('notifications.v1')
        .some((e) => (e.data as { orderId: string; channel: string }).orderId === 'o-5' && (e.data as { channel: string }).channel === 'email'),
    ).toBe(false);

    await sut.advance('PT1M'); // the first retry
    expect(forO5()).toHaveLength(1);
    await sut.awaitPublished(
      (e) => e.type === 'NoticeSent' && (e.data as { orderId: string }).orderId === 'o-5' && (e.data as { channel: string }).channel === 'email',
    );
    await sut.advance('PT1H');
    expect(forO5()).toHaveLength(1);
  });

  it('N1: a failed payment names the payment deadline the order facts kept from OrderPlaced', async () => {
    const placed = upstream.orderPlaced(sut.now(), 'o-6', 'buyer-6', 'seller-6');
    await sut.publish(OrderPlaced, placed);
    await sut.publish(PaymentFailed, { orderId: 'o-6', paymentId: 'p-6', reason: 'declined', failedAt: sut.now().toISOString() });
    const items = await inbox({ role: 'buyer', sub: 'buyer-6' });
    const failed = items.find((i) => i.kind === 'payment_failed');
    expect(failed?.text).toContain(formatInstant(placed.paymentDueAt, 'en'));
  });

  it('pages the message center with an opaque cursor', async () => {
    const page1 = await sut.request('GET', '/inbox?limit=1', { as: seller });
    expect(page1.body.items).toHaveLength(1);
    const page2 = await sut.request('GET', `/inbox?limit=1&cursor=${page1.body.nextCursor}`, { as: seller });
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.items[0].id).not.toBe(page1.body.items[0].id);
    expect((await sut.request('GET', '/inbox?cursor=garbage!', { as: seller })).status).toBe(400);
  });

  it('recipients: only that user or ops; strict bodies', async () => {
    expect((await sut.request('GET', '/recipients/seller-1', { as: buyer })).status).toBe(404);
    expect((await sut.request('PUT', '/recipients/seller-1', { as: buyer, body: { locale: 'en', emailOptOut: [] } })).status).toBe(404);
    expect((await sut.request('GET', '/recipients/seller-1', { as: { role: 'ops', sub: 'ops-1' } })).body).toMatchObject({ userId: 'seller-1', locale: 'ru' });
    expect((await sut.request('GET', '/recipients/nobody-yet', { as: { role: 'buyer', sub: 'nobody-yet' } })).body).toMatchObject({
      locale: 'en',
      email: null,
      emailOptOut: [],
    });
    expect((await sut.request('PUT', '/recipients/buyer-1', { as: buyer, body: { locale: 'xx', emailOptOut: [] } })).status).toBe(400);
    expect((await sut.request('PUT', '/recipients/buyer-1', { as: buyer, body: { locale: 'en', emailOptOut: [], role: 'ops' } })).status).toBe(400);
    expect((await sut.request('GET', '/inbox')).status).toBe(401);
  });
});
