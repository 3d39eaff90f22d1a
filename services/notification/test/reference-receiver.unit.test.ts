import { memorySeenStore, verifyDelivery } from '@bp/example-webhook-receiver';
import { signWebhook } from '../src/domain/webhooks/signature';

// N4: what this service signs, the partners' reference receiver (examples/webhook-receiver) accepts:
// a drift between sender and receiver fails here. The service itself does not depend on the example.
const T = 1_750_000_000;
const SECRET = 'whsec_current_0123456789abcdef';
const event = (id: string, text = 'Teapot') =>
  JSON.stringify({ specversion: '1.0', id, type: 'marketplace.order.completed.v1', source: '/services/order', subject: 'o-1', data: { orderId: 'o-1', text } });
const verify = (body: string, signature: string, secrets = [SECRET]) =>
  verifyDelivery({
    secrets,
    headers: { 'webhook-id': 'del-1', 'webhook-signature': signature },
    rawBody: body,
    now: new Date(T * 1000),
    toleranceSeconds: 300,
    seen: memorySeenStore(),
  });

describe('signWebhook (sender) against the reference receiver', () => {
  it.each([
    ['ASCII', event('evt-1')],
    ['non-ASCII text (the HMAC is over the UTF-8 bytes)', event('evt-2', 'Théière – 茶壶 🫖')],
  ])('a delivery this service signs is processed: %s', async (_name, body) =>
    expect(await verify(body, signWebhook(SECRET, body, T))).toMatchObject({ outcome: 'process', delivery: { signedAt: new Date(T * 1000) } }),
  );
  it('signed with a rotated-out secret, or tampered with after signing: bad_signature', async () => {
    const body = event('evt-3');
    expect(await verify(body, signWebhook('whsec_old', body, T))).toMatchObject({ outcome: 'refused', reason: 'bad_signature' });
    expect(await verify(body.replace('o-1', 'o-2'), signWebhook(SECRET, body, T))).toMatchObject({ outcome: 'refused', reason: 'bad_signature' });
  });
});
