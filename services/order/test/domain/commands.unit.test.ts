import { PlaceOrderBody, RequestExtensionBody, ShipOrderBody, ConfirmReceiptBody, PostReviewBody } from '../../src/domain/order';
import { address } from './fixtures';

const body = { sellerId: 's-1', currency: 'USD', items: [{ sku: 'a', title: 'A', quantity: 1, unitPrice: 100 }], shippingAddress: address };

describe('HTTP payload schemas (strict)', () => {
  it('O2: a PlaceOrder body parses; protection and handling days are optional', () => {
    expect(PlaceOrderBody.parse(body)).toEqual(body);
    expect(PlaceOrderBody.safeParse({ ...body, protectionDays: 30, handlingDays: 3 }).success).toBe(true);
  });
  it('unknown fields are refused, at the top and inside items and address', () => {
    expect(PlaceOrderBody.safeParse({ ...body, buyerId: 'x' }).success).toBe(false);
    expect(PlaceOrderBody.safeParse({ ...body, items: [{ ...body.items[0], discount: 1 }] }).success).toBe(false);
    expect(PlaceOrderBody.safeParse({ ...body, shippingAddress: { ...address, email: 'a@b' } }).success).toBe(false);
    expect(ConfirmReceiptBody.safeParse({ undo: true }).success).toBe(false);
  });
  it('bad input: fractional money, empty items, rating outside 1..5, blank tracking', () => {
    expect(PlaceOrderBody.safeParse({ ...body, items: [{ ...body.items[0], unitPrice: 1.5 }] }).success).toBe(false);
    expect(PlaceOrderBody.safeParse({ ...body, items: [] }).success).toBe(false);
    expect(PostReviewBody.safeParse({ rating: 6 }).success).toBe(false);
    expect(ShipOrderBody.safeParse({ carrier: 'DHL', trackingNumber: ' ' }).success).toBe(false);
    expect(RequestExtensionBody.safeParse({ days: 14, reason: 'late' }).success).toBe(true);
  });
});
