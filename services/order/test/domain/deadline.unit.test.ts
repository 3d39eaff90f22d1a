import { spec } from '@bp/testing';
import { deadlines, orderDecider } from '../../src/domain/order';
import {
  ORDER,
  PROTECTION_END,
  at,
  buyer,
  completed,
  confirm,
  disputeOpened,
  disputed,
  fire,
  history,
  paid,
  pay,
  place,
  placed,
  requestExt,
  review,
  seller,
  ship,
  shipped,
  stateOf,
} from './fixtures';

const order = spec(orderDecider);
const parties = { orderId: ORDER, buyerId: buyer.id, sellerId: seller.id };

describe('deadlines(state)', () => {
  it('O2: placed -> the payment window (buyer; closes unpaid)', () => {
    expect(deadlines(stateOf(placed()))).toEqual([{ kind: 'payment', dueAt: at(1), actor: 'buyer', onExpiry: 'order_closed_unpaid' }]);
  });
  it('O4: paid -> shipment by handling days (seller; closes with refund)', () => {
    expect(deadlines(stateOf(paid()))).toEqual([{ kind: 'shipment', dueAt: at(7, 1), actor: 'seller', onExpiry: 'order_closed_refunded' }]);
  });
  it('O7/O8: shipped -> protection end; with a pending request also the seller response', () => {
    expect(deadlines(stateOf(history(place(), pay(), ship(), requestExt())))).toEqual([
      { kind: 'protection_end', dueAt: PROTECTION_END, actor: 'buyer', onExpiry: 'auto_confirmed' },
      { kind: 'extension_response', dueAt: at(13), actor: 'seller', onExpiry: 'extension_lapsed' },
    ]);
  });
  it('O9: no protection end while a dispute is open', () => {
    expect(deadlines(stateOf(disputed()))).toEqual([]);
  });
  it('O11: completed without a review -> the review window (buyer; closes it); with a review -> publication (system)', () => {
    expect(deadlines(stateOf(completed()))).toEqual([{ kind: 'review_window', dueAt: at(40), actor: 'buyer', onExpiry: 'review_window_closed' }]);
    expect(deadlines(stateOf(history(place(), pay(), ship(), confirm(), fire('review_window', at(40)))))).toEqual([]);
    const reviewed = history(place(), pay(), ship(), confirm(), review());
    expect(deadlines(stateOf(reviewed))).toEqual([{ kind: 'review_publication', dueAt: at(41), actor: 'system', onExpiry: 'review_published' }]);
  });
});

describe('FireDeadline', () => {
  it('O2: payment window -> closed UNPAID', () => {
    order
      .given(placed())
      .when(fire('payment', at(1)))
      .then([{ type: 'OrderClosed', data: { ...parties, reason: 'UNPAID', refundDue: false, closedAt: at(1) } }]);
  });
  it('O4: handling time -> closed NOT_SHIPPED with refundDue', () => {
    order
      .given(paid())
      .when(fire('shipment', at(7, 1)))
      .then([{ type: 'OrderClosed', data: { ...parties, reason: 'NOT_SHIPPED', refundDue: true, closedAt: at(7, 1) } }]);
  });
  it('O7, S3: protection end -> ProtectionEnded (round 1): nothing is released until the dispute service acknowledges', () => {
    order
      .given(shipped())
      .when(fire('protection_end', PROTECTION_END))
      .then([{ type: 'ProtectionEnded', data: { orderId: ORDER, round: 1, endedAt: PROTECTION_END } }]);
  });
  it('S3: while a protection-end round waits for its answer the deadline is gone (it fires once)', () => {
    const ending = history(place(), pay(), ship(), fire('protection_end', PROTECTION_END));
    expect(deadlines(stateOf(ending)).map((d) => d.kind)).not.toContain('protection_end');
    order
      .given(ending)
      .when(fire('protection_end', PROTECTION_END, at(62)))
      .thenNothingHappens();
  });
  it('O8: extension response -> the request lapses, nothing else changes', () => {
    order
      .given(history(place(), pay(), ship(), requestExt()))
      .when(fire('extension_response', at(13)))
      .then([{ type: 'ProtectionExtensionLapsed', data: { orderId: ORDER, extensionId: 'ext-1', days: 14, lapsedAt: at(13) } }]);
  });
  it('O11: review window -> closed; no review can follow (REVIEW_WINDOW_CLOSED); a review posted in time makes it stale', () => {
    order
      .given(completed())
      .when(fire('review_window', at(40)))
      .then([{ type: 'ReviewWindowClosed', data: { orderId: ORDER, closedAt: at(40) } }]);
    const closed = history(place(), pay(), ship(), confirm(), fire('review_window', at(40)));
    order
      .given(closed)
      .when(review(at(40, 1)))
      .thenRefuses('REVIEW_WINDOW_CLOSED');
    order
      .given(closed)
      .when(fire('review_window', at(40), at(41)))
      .thenNothingHappens();
    order
      .given(history(place(), pay(), ship(), confirm(), review()))
      .when(fire('review_window', at(40)))
      .thenNothingHappens();
  });
  it('O11: review publication -> published', () => {
    const reviewed = history(place(), pay(), ship(), confirm(), review());
    order
      .given(reviewed)
      .when(fire('review_publication', at(41)))
      .then([{ type: 'ReviewPublished', data: { orderId: ORDER, rating: 5, publishedAt: at(41) } }]);
  });
  it('stale: a deadline the state no longer lists, another dueAt, an early firing or an unknown kind change nothing', () => {
    order
      .given(paid())
      .when(fire('payment', at(1)))
      .thenNothingHappens();
    order
      .given(shipped())
      .when(fire('protection_end', at(60)))
      .thenNothingHappens();
    order
      .given(shipped())
      .when(fire('protection_end', PROTECTION_END, at(60)))
      .thenNothingHappens();
    order.given(shipped()).when(fire('nonsense', PROTECTION_END)).thenNothingHappens();
    order
      .given([])
      .when(fire('payment', at(1)))
      .thenNothingHappens();
  });
  it('O9: protection end during a dispute is stale (auto-confirm suspended)', () => {
    order
      .given(history(place(), pay(), ship(), disputeOpened()))
      .when(fire('protection_end', PROTECTION_END))
      .thenNothingHappens();
  });
  it('only the system fires deadlines (ROLE_NOT_ALLOWED)', () => {
    order
      .given(placed())
      .when({ ...fire('payment', at(1)), meta: { now: at(1), actor: buyer } })
      .thenRefuses('ROLE_NOT_ALLOWED');
  });
});
