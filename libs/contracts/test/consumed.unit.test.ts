import { consumedMeta, isDomainError, sagaStep } from '../src';

describe("consumedMeta: a consumed event's effects happen at its own time, done by its producer", () => {
  it('takes ce_time (as canonical ISO UTC) and ce_source, whatever the consumer clock says', () => {
    expect(consumedMeta({ id: 'e1', time: '2025-03-01T10:00:00Z', source: '/services/order' })).toEqual({
      now: '2025-03-01T10:00:00.000Z',
      actor: { role: 'system', id: '/services/order' },
    });
    expect(consumedMeta({ id: 'e2', time: '2025-03-01T12:00:00+02:00', source: '/services/escrow' }).now).toBe('2025-03-01T10:00:00.000Z');
  });

  it('refuses an event without a readable time or producer (a DomainError: dead-lettered, not retried)', () => {
    const refusal = (e: { id: string; time: string; source: string }) => {
      try {
        consumedMeta(e);
      } catch (err) {
        return isDomainError(err) ? err.code : 'not a DomainError';
      }
      return 'accepted';
    };
    expect(refusal({ id: 'e3', time: '', source: '/services/order' })).toBe('CONSUMED_EVENT_TIME_UNREADABLE');
    expect(refusal({ id: 'e4', time: 'yesterday', source: '/services/order' })).toBe('CONSUMED_EVENT_TIME_UNREADABLE');
    expect(refusal({ id: 'e5', time: '2025-03-01T10:00:00Z', source: '' })).toBe('CONSUMED_EVENT_SOURCE_MISSING');
  });
});

describe('sagaStep: what a saga makes of an event, by its type', () => {
  const saga = { OrderPaid: (e: { data: { orderId: string } }) => `pay ${e.data.orderId}` };
  const event = (type: string) => ({ id: 'e1', type, data: { orderId: 'o1' }, time: '2025-03-01T10:00:00Z', source: '/services/order' });
  it('runs the step of its type, and nothing for a type the saga does not handle (inherited names included)', () => {
    expect(sagaStep(saga, event('OrderPaid'))).toBe('pay o1');
    expect(sagaStep(saga, event('OrderShipped'))).toBeNull();
    expect(sagaStep(saga, event('toString'))).toBeNull();
  });
});
