import { spec } from '@bp/testing';
import { CreatePaymentBody, escrowDecider, sandboxOutcome, SandboxWebhookBody } from '../../src/domain';
import { BUYER, cmd, capture, history, ORDER, placed, SELLER, T0, USD, ofType, cancelled, policy } from './fixtures';

const escrow = spec(escrowDecider);
const request = (paymentId = 'pay-1') => cmd('RequestPayment', { orderId: ORDER, paymentId, methodType: 'sandbox' });
const fail = (paymentId = 'pay-1') => cmd('FailPayment', { orderId: ORDER, paymentId, reason: 'card_declined' });

describe('RecordOrderPlaced', () => {
  it('records total, parties and the escrow policy snapshot; a redelivery does nothing', () => {
    escrow
      .given([])
      .when(placed())
      .then([{ type: 'OrderRecorded', data: { orderId: ORDER, buyerId: BUYER, sellerId: SELLER, total: USD(10_000), policy: policy(0), recordedAt: T0 } }]);
    escrow.given(history(placed())).when(placed()).thenNothingHappens();
  });
  it('refuses a non-positive total or a commission outside 0..10000 bps (INVALID_ORDER)', () => {
    escrow.given([]).when(placed(0)).thenRefuses('INVALID_ORDER');
    escrow.given([]).when(placed(100, 10_001)).thenRefuses('INVALID_ORDER');
  });
});

describe('RequestPayment (E4)', () => {
  it('E4: a payment for an order escrow has not seen is refused with a retryable code', () => {
    escrow.given([]).when(request()).thenRefuses('ESCROW_ORDER_UNKNOWN');
    escrow.given([]).when(capture()).thenRefuses('ESCROW_ORDER_UNKNOWN');
  });
  it('E4: records the request for the order total; the same paymentId again does nothing', () => {
    escrow
      .given(history(placed()))
      .when(request())
      .then([{ type: 'PaymentRequested', data: { orderId: ORDER, paymentId: 'pay-1', methodType: 'sandbox', amount: USD(10_000), requestedAt: T0 } }]);
    escrow.given(history(placed(), request())).when(request()).thenNothingHappens();
  });
  it('E4: refuses while another payment waits for the provider, after payment, and once the order is closed', () => {
    escrow.given(history(placed(), request())).when(request('pay-2')).thenRefuses('PAYMENT_IN_PROGRESS');
    escrow
      .given(history(placed(), request(), capture()))
      .when(request('pay-2'))
      .thenRefuses('ORDER_ALREADY_PAID');
    escrow.given(history(placed(), cancelled())).when(request('pay-2')).thenRefuses('ORDER_NOT_PAYABLE');
  });
  it('E4: a declined card leaves the order unpaid and a new payment may be tried', () => {
    const given = history(placed(), request(), fail());
    escrow
      .given(given)
      .when(request('pay-2'))
      .then((events) => expect(events.map((e) => e.type)).toEqual(['PaymentRequested']));
    escrow.given(history(placed())).when(fail('nope')).thenRefuses('PAYMENT_UNKNOWN');
    escrow
      .given(history(placed(), request(), capture()))
      .when(fail())
      .thenNothingHappens();
  });
});

describe('CapturePayment (E4, O3)', () => {
  it('O3: the capture is held: buyer_payment -> order_hold, PaymentCaptured', () => {
    escrow
      .given(history(placed(), request()))
      .when(capture())
      .then([
        {
          type: 'EntriesPosted',
          data: {
            orderId: ORDER,
            sellerId: SELLER,
            entries: [{ entryId: 'capture:cap-1:0', debit: 'buyer_payment', credit: 'order_hold', amount: 10_000, currency: 'USD', reason: 'capture', at: T0 }],
          },
        },
        { type: 'PaymentCaptured', data: { orderId: ORDER, paymentId: 'pay-1', providerRef: 'cap-1', amount: USD(10_000), capturedAt: T0 } },
      ]);
  });
  it('E4: idempotent by provider reference (a redelivered webhook does nothing)', () => {
    escrow.given(history(placed(), capture())).when(capture()).thenNothingHappens();
  });
  it('E4: a slow capture confirmed later by webhook pays the order', () => {
    escrow
      .given(history(placed(), request()))
      .when(capture())
      .then((_, s) => expect(s.status).toBe('paid'));
  });
  it.each([
    ['ALREADY_PAID', history(placed(), capture()), capture(10_000, 'cap-2', 'pay-2')],
    ['ORDER_CLOSED', history(placed(), cancelled()), capture()],
    ['AMOUNT_MISMATCH', history(placed()), capture(9_999)],
  ])('E4: a capture for a %s order is returned at once, never held twice', (reason, given, when) => {
    escrow
      .given(given)
      .when(when)
      .then((events, state) => {
        expect(ofType(events, 'PaymentReturned')[0]!.data.reason).toBe(reason);
        expect(ofType(events, 'RefundRequested')[0]!.data).toMatchObject({ reason: 'PAYMENT_RETURNED', amount: when.data.amount });
        expect(ofType(events, 'EntriesPosted')[0]!.data.entries.map((e) => e.reason)).toEqual(['payment_returned']);
        expect(ofType(events, 'PaymentCaptured')).toEqual([]);
        if (state.status !== 'unknown') expect(state.postings.filter((p) => p.reason === 'capture').length).toBe(reason === 'ALREADY_PAID' ? 1 : 0);
      });
  });
  it('refuses a non-positive capture (INVALID_AMOUNT)', () => {
    escrow.given(history(placed())).when(capture(0)).thenRefuses('INVALID_AMOUNT');
  });
});

describe('sandbox provider and HTTP payloads (E4)', () => {
  it('maps tokens to outcomes', () => {
    expect(sandboxOutcome('tok_ok')).toEqual({ kind: 'captured' });
    expect(sandboxOutcome('tok_declined')).toEqual({ kind: 'declined', reason: 'card_declined' });
    expect(sandboxOutcome('tok_slow')).toEqual({ kind: 'pending' });
    expect(sandboxOutcome('tok_other')).toEqual({ kind: 'declined', reason: 'invalid_token' });
  });
  it('POST /payments body is strict', () => {
    expect(CreatePaymentBody.safeParse({ orderId: 'o', paymentMethod: { type: 'sandbox', token: 'tok_ok' } }).success).toBe(true);
    expect(CreatePaymentBody.safeParse({ orderId: 'o', paymentMethod: { type: 'sandbox', token: 'tok_ok' }, amount: 5 }).success).toBe(false);
    expect(CreatePaymentBody.safeParse({ orderId: 'o', paymentMethod: { type: 'card', token: 'x' } }).success).toBe(false);
    expect(CreatePaymentBody.safeParse({ orderId: '', paymentMethod: { type: 'sandbox', token: 'tok_ok' } }).success).toBe(false);
  });
  it('sandbox webhooks parse by type', () => {
    const ok = SandboxWebhookBody.safeParse({
      id: 'w1',
      type: 'payment.captured',
      data: { orderId: 'o', paymentId: 'p', providerRef: 'r', amount: 5, currency: 'USD', capturedAt: T0 },
    });
    expect(ok.success).toBe(true);
    expect(SandboxWebhookBody.safeParse({ id: 'w1', type: 'refund.succeeded', data: { orderId: 'o' } }).success).toBe(false);
  });
});
