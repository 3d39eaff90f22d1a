import { eventOfRow, type ParkedRow } from '../../src/app/parking';
import { reminderEffects } from '../../src/domain/reminders/reminders';
import { factsGate, needsOrderFacts, ORDER_PLACED, orderIdOf } from '../../src/domain/routing/awaits-facts';
import { routes } from '../../src/domain/routing/route';

describe('which events wait for their order facts (parking)', () => {
  it('every routed or reminder-affecting type except OrderPlaced needs them', () => {
    for (const ceType of [...Object.keys(routes), ...Object.keys(reminderEffects)]) {
      expect([ceType, needsOrderFacts(ceType)]).toEqual([ceType, ceType !== ORDER_PLACED]);
    }
  });

  it('types nobody is told about (webhook fan-out only) and buyers.v1 never wait', () => {
    expect(needsOrderFacts('marketplace.escrow.payment-captured.v1')).toBe(false);
    expect(factsGate('marketplace.escrow.payment-captured.v1', 'o-1', false)).toBe('apply');
    expect(factsGate('marketplace.buyer.level-changed.v1', null, false)).toBe('apply');
  });

  it('parks only while the facts are unknown', () => {
    expect(factsGate('marketplace.escrow.funds-released.v1', 'o-1', false)).toBe('park');
    expect(factsGate('marketplace.escrow.funds-released.v1', 'o-1', true)).toBe('apply');
    expect(factsGate('marketplace.dispute.opened.v1', 'o-1', false)).toBe('park');
    expect(factsGate(ORDER_PLACED, 'o-1', false)).toBe('apply');
  });

  it('reads the order id only when it is a non-empty string', () => {
    expect(orderIdOf({ orderId: 'o-1' })).toBe('o-1');
    expect(orderIdOf({ orderId: '' })).toBeNull();
    expect(orderIdOf({ orderId: 7 })).toBeNull();
    expect(orderIdOf({ buyerId: 'b-1' })).toBeNull();
    expect(orderIdOf(null)).toBeNull();
  });

  it('a parked row gives back the consumed event whole (webhooks replay its CloudEvent)', () => {
    const row: ParkedRow = {
      id: '3',
      event_id: 'e-1',
      ce_type: 'marketplace.escrow.funds-released.v1',
      type: 'FundsReleased',
      source: '/services/escrow',
      subject: 'o-1',
      time: '2030-01-01T00:00:00.000Z',
      data: { orderId: 'o-1' },
      correlation_id: 'c-1',
      causation_id: null,
      topic: 'escrow.v1',
      partition: 2,
      kafka_offset: '41',
    };
    expect(eventOfRow(row)).toEqual({
      id: 'e-1',
      ceType: 'marketplace.escrow.funds-released.v1',
      type: 'FundsReleased',
      source: '/services/escrow',
      subject: 'o-1',
      time: '2030-01-01T00:00:00.000Z',
      data: { orderId: 'o-1' },
      correlationId: 'c-1',
      causationId: null,
      topic: 'escrow.v1',
      partition: 2,
      offset: '41',
    });
  });
});
