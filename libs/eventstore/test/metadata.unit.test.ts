import { commandMetadata, consumedMetadata } from '../src';

describe('append metadata', () => {
  const actor = { role: 'buyer' as const, id: 'b1' };

  it('a command nothing caused starts a correlation of its own (or the one it is given)', () => {
    const m = commandMetadata(actor, '2025-01-01T00:00:00.000Z');
    expect(m).toMatchObject({ causationId: null, actor, now: '2025-01-01T00:00:00.000Z' });
    expect(m.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(commandMetadata(actor, '2025-01-01T00:00:00.000Z', 'req-1').correlationId).toBe('req-1');
  });

  it("a consumed event's effects: its correlation, caused by it, at its time, by its producer", () => {
    const e = { id: 'e1', time: '2025-01-02T00:00:00Z', source: '/services/escrow', correlationId: 'c1' };
    expect(consumedMetadata(e)).toEqual({
      correlationId: 'c1',
      causationId: 'e1',
      actor: { role: 'system', id: '/services/escrow' },
      now: '2025-01-02T00:00:00.000Z',
    });
    expect(consumedMetadata({ ...e, correlationId: null }).correlationId).toBe('e1');
  });
});
