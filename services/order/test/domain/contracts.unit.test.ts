import { EventRegistry, buyerPublicEvents, orderPublicEvents } from '@bp/contracts';
import { PolicySnapshotSchema } from '@bp/timers';
import { orderPrivateEvents } from '../../src/domain/order';
import {
  approveExt,
  at,
  confirm,
  disputeOpened,
  disputeWithdrawn,
  fire,
  history,
  pay,
  place,
  reply,
  requestExt,
  review,
  ship,
  deliver,
  cancel,
  disputeSettled,
  resendShipped,
} from './fixtures';

const registry = new EventRegistry([...orderPublicEvents, ...buyerPublicEvents, ...orderPrivateEvents]);
const publicTypes = new Set<string>(orderPublicEvents.map((d) => d.type));

const journeys = [
  history(
    place(),
    pay(),
    ship(),
    deliver(),
    requestExt(),
    approveExt(),
    disputeOpened(at(12)),
    disputeWithdrawn(at(13)),
    confirm(at(14)),
    review(at(15)),
    reply(at(16)),
  ),
  history(place(), pay(), cancel(at(0, 2))),
  history(place(), fire('payment', at(1))),
  history(place(), pay(), ship(), disputeOpened(), resendShipped(), disputeOpened(at(21), 'd-2'), disputeSettled(5000, at(22), 'd-2')),
];

describe('public event schemas (orders.v1, buyers.v1)', () => {
  it('every event the decider emits has a definition; public ones are on orders.v1 with a marketplace.order.*.v1 ceType', () => {
    for (const e of journeys.flat()) {
      const def = registry.get(e.type);
      if (publicTypes.has(e.type)) {
        expect(def.topic).toBe('orders.v1');
        expect(def.ceType).toMatch(/^marketplace\.order\.[a-z-]+\.v1$/);
        expect(def.key!(e.data as never)).toBe('order-1');
      } else expect(def.topic).toBeUndefined();
    }
  });
  it('the log data validates against its schema unchanged (nothing stripped from the log)', () => {
    for (const e of journeys.flat()) expect(registry.encode(e.type, e.data).data).toEqual(e.data);
  });
  it('no personal data in public events: the address only in the private ShippingAddressRecorded', () => {
    for (const e of journeys.flat().filter((x) => publicTypes.has(x.type))) expect(JSON.stringify(e.data)).not.toContain('Main St');
    const parsed = registry.decode<Record<string, unknown>>('OrderPlaced', 1, { ...journeys[0]![0]!.data, shippingAddress: { line1: 'x' } });
    expect(parsed).not.toHaveProperty('shippingAddress');
  });
  it('O2: the policy snapshot on OrderPlaced parses with @bp/timers PolicySnapshotSchema', () => {
    const placed = registry.decode<{ policy: unknown }>('OrderPlaced', 1, journeys[0]![0]!.data);
    expect(() => PolicySnapshotSchema.parse(placed.policy)).not.toThrow();
  });
  it('O12: BuyerLevelChanged is keyed by buyerId on buyers.v1', () => {
    const def = registry.get('BuyerLevelChanged');
    expect([def.topic, def.ceType]).toEqual(['buyers.v1', 'marketplace.buyer.level-changed.v1']);
    expect(def.key!({ buyerId: 'b-9' } as never)).toBe('b-9');
  });
  it('O11: BuyerPointsEarned is keyed by buyerId on buyers.v1', () => {
    const def = registry.get('BuyerPointsEarned');
    expect([def.topic, def.ceType]).toEqual(['buyers.v1', 'marketplace.buyer.points-earned.v1']);
    expect(def.key!({ buyerId: 'b-9' } as never)).toBe('b-9');
  });
});
