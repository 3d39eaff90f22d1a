import { EventRegistry, defineEvent } from '@bp/contracts';
import { z } from 'zod';
import { START, comparePositions, prepareEvents } from '../src';
import { ident } from '../src/sql';

describe('comparePositions', () => {
  it('orders by transaction id first, then position, numerically (not as strings)', () => {
    expect(comparePositions({ txId: '9', position: '100' }, { txId: '10', position: '1' })).toBe(-1);
    expect(comparePositions({ txId: '10', position: '9' }, { txId: '10', position: '10' })).toBe(-1);
    expect(comparePositions({ txId: '10', position: '10' }, { txId: '10', position: '10' })).toBe(0);
    expect(comparePositions({ txId: '18446744073709551615', position: '1' }, { txId: '9007199254740993', position: '1' })).toBe(1);
    expect(comparePositions(START, { txId: '1', position: '1' })).toBe(-1);
  });
});

describe('prepareEvents', () => {
  const registry = new EventRegistry([defineEvent({ type: 'Paid', version: 1, schema: z.object({ amount: z.number().int() }) })]);

  it('gives every event a fresh uuid and validates registered data at the current version', () => {
    const [a, b] = prepareEvents(registry, [
      { type: 'Paid', data: { amount: 5, extra: true } },
      { type: 'Private', data: { x: 1 } },
    ]);
    expect(a).toMatchObject({ type: 'Paid', v: 1, data: { amount: 5 } });
    expect(a!.data).not.toHaveProperty('extra'); // the schema decides what is stored
    expect(b).toMatchObject({ type: 'Private', v: 1, data: { x: 1 } });
    expect(a!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a!.id).not.toBe(b!.id);
    expect(() => prepareEvents(registry, [{ type: 'Paid', data: { amount: 1.5 } }])).toThrow();
  });
});

describe('ident', () => {
  it('accepts plain lower-case schema names only', () => {
    expect(ident('order_service')).toBe('"order_service"');
    for (const bad of ['Order', '1abc', 'a-b', 'a;drop', '', 'x'.repeat(64)]) expect(() => ident(bad)).toThrow();
  });
});
