import type { AppendMetadata } from '@bp/eventstore';

/** Metadata for benchmark appends: a fixed time and a system actor. */
export const benchMeta: AppendMetadata = { now: '2025-01-01T00:00:00.000Z', correlationId: 'bench', causationId: null, actor: { role: 'system', id: 'bench' } };

/** A realistic ~300-byte event (an order placed), varied by `i`. */
export const placedEvent = (i: number) => ({
  type: 'OrderPlaced',
  data: {
    orderId: `order-${i}`,
    buyerId: `buyer-${i % 997}`,
    sellerId: `seller-${i % 101}`,
    total: { amount: 1000 + (i % 5000), currency: 'USD' },
    items: [{ sku: `sku-${i % 313}`, title: 'A useful thing', quantity: 1 + (i % 3), unitPrice: { amount: 1000, currency: 'USD' } }],
    placedAt: '2025-01-01T00:00:00.000Z',
  },
});
