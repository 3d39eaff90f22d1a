import { disputePublicEvents, orderPublicEvents, sagaStep, type ConsumedEvent } from '@bp/contracts';
import { sagaCommand, spec } from '@bp/testing';
import { defaultPolicy, snapshotOf } from '@bp/timers';
import { escrowDecider, type EscrowCommand, type EscrowEvent } from '../../src/domain';
import { escrowFromDisputes, movesMoney } from '../../src/domain/sagas/escrow-from-disputes';
import { escrowFromOrders } from '../../src/domain/sagas/escrow-from-orders';
import { BUYER, capture, history, ofType, ORDER, placed, SELLER, T0, USD, at } from './fixtures';

// Given the escrow so far, when an orders.v1 or disputes.v1 event arrives (its id, data, own time and
// producer), then the saga's command makes the escrow decider record exactly this.
const escrow = spec(escrowDecider);
const ORDERS = '/services/order';
const DISPUTES = '/services/dispute';
const event = (type: string, data: object, source: string, time = at(60), id = `ce-${type}`): ConsumedEvent => ({
  id,
  type,
  data: { orderId: ORDER, ...data },
  time,
  source,
});
const fromOrders = (type: string, data: object, time?: string): EscrowCommand => sagaCommand(escrowFromOrders, event(type, data, ORDERS, time));
const fromDisputes = (type: string, data: object, time?: string): EscrowCommand | null => sagaStep(escrowFromDisputes, event(type, data, DISPUTES, time));
const moved = (events: EscrowEvent[]) => ofType(events, 'EntriesPosted').flatMap((e) => e.data.entries.map((p) => [p.reason, p.amount]));
const paid = () => history(placed(10_000, 250), capture());
const parties = { buyerId: BUYER, sellerId: SELLER };

describe('saga: orders.v1 -> escrow commands (given/when/then)', () => {
  it("OrderPlaced records the order with its policy snapshot's escrow part, never the live policy", () => {
    const policy = snapshotOf({ ...defaultPolicy, escrow: { ...defaultPolicy.escrow, commissionBps: 321 } });
    escrow
      .given([])
      .when(fromOrders('OrderPlaced', { ...parties, total: USD(10_000), policy }, T0))
      .then((events) => {
        expect(events).toMatchObject([{ type: 'OrderRecorded', data: { orderId: ORDER, total: USD(10_000), policy: { commissionBps: 321 }, recordedAt: T0 } }]);
      });
  });

  it('E3: OrderCompleted releases what is held, minus the commission', () => {
    escrow
      .given(paid())
      .when(fromOrders('OrderCompleted', { ...parties, amount: USD(10_000), completedAt: at(60), reason: 'CONFIRMED' }))
      .then((events) => {
        expect(moved(events)).toEqual([
          ['commission', 250],
          ['release', 9_750],
        ]);
      });
  });

  it('O4: OrderCancelled refunds a paid order in full, under an id derived from the event id', () => {
    escrow
      .given(paid())
      .when(fromOrders('OrderCancelled', { ...parties, cancelledBy: 'buyer', paid: true, total: USD(10_000), cancelledAt: at(60) }))
      .then((events) => {
        expect(ofType(events, 'RefundRequested')[0]!.data).toMatchObject({
          refundId: 'ce-OrderCancelled:refund',
          amount: USD(10_000),
          reason: 'ORDER_CANCELLED',
        });
      });
  });

  it('E3: an OrderClosed a dispute refunded names the dispute: that settlement moves the money', () => {
    expect(fromOrders('OrderClosed', { reason: 'REFUNDED', refundDue: false, closedAt: at(60), disputeId: 'd1' })).toMatchObject({
      type: 'RefundOnCancellation',
      data: { eventId: 'ce-OrderClosed', source: 'OrderClosed', refundDue: false, disputeId: 'd1' },
    });
    expect(fromOrders('OrderClosed', { reason: 'UNPAID', refundDue: false, closedAt: at(60) }).data).not.toHaveProperty('disputeId');
  });

  it('every mapped type is an orders.v1 event', () => {
    const published = new Set<string>(orderPublicEvents.map((d) => d.type));
    for (const type of Object.keys(escrowFromOrders)) expect(published.has(type)).toBe(true);
    expect(sagaStep(escrowFromOrders, event('OrderShipped', {}, ORDERS))).toBeNull();
  });
});

describe('saga: disputes.v1 -> escrow commands (given/when/then)', () => {
  it('E3, R1: DisputeSettled refunds the refund (compensation included) and releases the rest', () => {
    const command = fromDisputes('DisputeSettled', {
      disputeId: 'd1',
      refund: USD(3_700),
      returnShippingCompensation: USD(700),
      fastRefunded: USD(0),
      releaseRemainder: true,
      settledBy: 'RULING',
      settledAt: at(60),
    });
    expect(command).toMatchObject({ type: 'ApplyDisputeSettlement', data: { refund: USD(3_700), compensation: USD(700), releaseRemainder: true } });
    escrow
      .given(paid())
      .when(command!)
      .then((events) =>
        expect(moved(events)).toEqual([
          ['refund', 3_000],
          ['compensation', 700],
          ['commission', 175],
          ['release', 6_825],
        ]),
      );
  });

  it('R6: FastRefundGranted refunds now', () => {
    escrow
      .given(paid())
      .when(fromDisputes('FastRefundGranted', { disputeId: 'd1', amount: USD(10_000), grantedAt: at(60) })!)
      .then((events) => {
        expect(ofType(events, 'RefundRequested')[0]!.data).toMatchObject({ amount: USD(10_000), reason: 'FAST_REFUND' });
      });
  });

  it('E5: only an appeal decision that corrects a settlement moves money; any other travels on DisputeSettled', () => {
    const decided = (correction: boolean) => ({
      disputeId: 'd1',
      decision: 'OVERTURN',
      refund: USD(5_000),
      previousRefund: USD(2_000),
      correction,
      decidedAt: at(60),
    });
    expect(movesMoney({ correction: true })).toBe(true);
    expect(fromDisputes('AppealDecided', decided(true))).toMatchObject({ type: 'ApplyAppealDecision', data: { decision: 'OVERTURN', refund: USD(5_000) } });
    expect(fromDisputes('AppealDecided', decided(false))).toBeNull();
  });

  it('every mapped type is a disputes.v1 event; the others move no money', () => {
    const published = new Set<string>(disputePublicEvents.map((d) => d.type));
    for (const type of Object.keys(escrowFromDisputes)) expect(published.has(type)).toBe(true);
    expect(fromDisputes('DisputeOpened', {})).toBeNull();
  });
});

describe("one rule for time and actor: an escrow effect of a consumed event happens at the event's time, by its producer", () => {
  it('every command carries the event time and producer, not the escrow clock or the escrow actor', () => {
    const late = at(5_000);
    expect(fromOrders('OrderCompleted', { ...parties, amount: USD(1), completedAt: at(60), reason: 'CONFIRMED' }, late).meta).toEqual({
      now: late,
      actor: { role: 'system', id: ORDERS },
    });
    expect(fromDisputes('FastRefundGranted', { disputeId: 'd1', amount: USD(1), grantedAt: at(60) }, late)!.meta).toEqual({
      now: late,
      actor: { role: 'system', id: DISPUTES },
    });
  });

  it('so the refund it requests is stamped with the event time, whenever the consumer gets to it', () => {
    const when = '2030-01-03T00:00:00.000Z';
    escrow
      .given(paid())
      .when(fromOrders('OrderCancelled', { ...parties, cancelledBy: 'buyer', paid: true, total: USD(10_000), cancelledAt: when }, when))
      .then((events) => {
        expect(ofType(events, 'RefundRequested')[0]!.data.requestedAt).toBe(when);
      });
  });
});
