import { z } from 'zod';
import { defineEvent, EventRegistry, exportJsonSchemas, Topics } from '../src';

const v3 = z.object({ orderId: z.string(), total: z.object({ amount: z.number().int(), currency: z.string() }) });
const OrderPaidTest = defineEvent({
  type: 'OrderPaidTest',
  version: 3,
  schema: v3,
  topic: Topics.orders,
  ceType: 'marketplace.test.paid.v1',
  key: (d) => d.orderId,
  upcasters: [
    (v1: { orderId: string; amountCents: number }) => ({ orderId: v1.orderId, amount: v1.amountCents }),
    (v2: { orderId: string; amount: number }) => ({ orderId: v2.orderId, total: { amount: v2.amount, currency: 'USD' } }),
  ],
});

describe('event registry', () => {
  const registry = new EventRegistry([OrderPaidTest]);

  it('upcasts an old version through the chain to the current one', () => {
    expect(registry.decode('OrderPaidTest', 1, { orderId: 'o1', amountCents: 500 })).toEqual({
      orderId: 'o1',
      total: { amount: 500, currency: 'USD' },
    });
  });

  it('validates the current version', () => {
    expect(() => registry.decode('OrderPaidTest', 3, { orderId: 'o1' })).toThrow();
    expect(() => registry.decode('OrderPaidTest', 4, {})).toThrow('unsupported version');
  });

  it('decodeStored (rebuilds): the current version as appended, without a second validation; older ones upcast and validated', () => {
    const stored = { orderId: 'o1', total: { amount: 500, currency: 'USD' } };
    expect(registry.decodeStored('OrderPaidTest', 3, stored)).toBe(stored);
    expect(registry.decodeStored('OrderPaidTest', 1, { orderId: 'o1', amountCents: 500 })).toEqual(stored);
    expect(() => registry.decodeStored('OrderPaidTest', 1, { orderId: 'o1', amountCents: 1.5 })).toThrow();
    expect(() => registry.decodeStored('OrderPaidTest', 4, stored)).toThrow('unsupported version');
  });

  it('finds a definition by CloudEvents type', () => {
    expect(registry.byCloudEventType('marketplace.test.paid.v1')?.type).toBe('OrderPaidTest');
  });

  it('refuses a definition without its upcasters', () => {
    expect(() => defineEvent({ type: 'X', version: 2, schema: z.object({}) })).toThrow('upcasters');
  });

  it('exports JSON Schema for each event', () => {
    const schemas = exportJsonSchemas([OrderPaidTest]) as Record<string, { properties: object }>;
    expect(Object.keys(schemas['marketplace.test.paid.v1']!.properties)).toEqual(['orderId', 'total']);
  });
});
