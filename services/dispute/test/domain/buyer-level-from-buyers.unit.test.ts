import { buyerPublicEvents } from '@bp/contracts';
import { sagaCommand, spec } from '@bp/testing';
import { buyerLevelDecider } from '../../src/domain/order-facts';
import { buyerLevelFromBuyers } from '../../src/domain/sagas/buyer-level-from-buyers';
import { day } from './fixtures';

// Given the buyer's level so far, when buyers.v1 BuyerLevelChanged arrives, then the saga's command
// makes the buyer-level decider record exactly this (R6 fast refund and D8 expedited arbitration read it).
const changed = (level: string, changedAt: string, time = changedAt) => ({
  id: `ce-${level}`,
  type: 'BuyerLevelChanged',
  data: { buyerId: 'b1', level, previousLevel: 'A0', completedSpendUsdCents: 0, changedAt },
  time,
  source: '/services/order',
});
const when = (level: string, changedAt: string, time?: string) => sagaCommand(buyerLevelFromBuyers, changed(level, changedAt, time));

describe('saga: buyers.v1 -> the buyer level (given/when/then)', () => {
  it('O12: a level change is recorded as of its change', () => {
    spec(buyerLevelDecider)
      .given([])
      .when(when('A3', day(1)))
      .then([{ type: 'BuyerLevelRecorded', data: { buyerId: 'b1', level: 'A3', changedAt: day(1) } }]);
  });

  it('O12: an older change arriving late changes nothing', () => {
    spec(buyerLevelDecider)
      .given([{ type: 'BuyerLevelRecorded', data: { buyerId: 'b1', level: 'A4', changedAt: day(5) } }])
      .when(when('A3', day(1), day(9)))
      .thenNothingHappens();
  });

  it("one rule for time: stamped with the consumed event's own time; every mapped type is a buyers.v1 event", () => {
    expect(when('A3', day(1), day(7)).meta).toEqual({ now: day(7) });
    const published = new Set<string>(buyerPublicEvents.map((d) => d.type));
    for (const type of Object.keys(buyerLevelFromBuyers)) expect(published.has(type)).toBe(true);
  });
});
