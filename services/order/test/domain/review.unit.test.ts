import { spec } from '@bp/testing';
import type { PolicySnapshot } from '@bp/timers';
import { deadlines, orderDecider } from '../../src/domain/order';
import {
  ORDER,
  agent,
  at,
  buyer,
  cmd,
  completed,
  confirm,
  deliver,
  delivered,
  disputeOpened,
  disputeSettled,
  fire,
  history,
  paid,
  pay,
  place,
  policy,
  protectionEndAcknowledged,
  reply,
  review,
  seller,
  ship,
  shipped,
  stateOf,
} from './fixtures';

const order = spec(orderDecider);
const parties = { orderId: ORDER, buyerId: buyer.id, sellerId: seller.id };
const reviewed = () => history(place(), pay(), ship(), confirm(), review());
/** O11: the seller rates the buyer back. */
const rate = (now = at(12), rating = 4, actor = seller) => cmd('RateBuyer', { rating, text: 'paid at once' }, actor, now);
const withOrderPolicy = (over: Partial<PolicySnapshot['order']>): PolicySnapshot => ({ ...policy, order: { ...policy.order, ...over } });

describe('PostReview (O11)', () => {
  it('O11: the buyer reviews within the review window; publication is due reviewPublishAfter later', () => {
    order
      .given(completed())
      .when(review())
      .then([{ type: 'ReviewPosted', data: { ...parties, rating: 5, text: 'great', postedAt: at(11), publishDueAt: at(41) } }]);
  });
  it('O11: refused after the window (REVIEW_WINDOW_CLOSED), twice (REVIEW_ALREADY_POSTED), before receipt (ORDER_NOT_COMPLETED)', () => {
    order
      .given(completed())
      .when(review(at(40)))
      .thenRefuses('REVIEW_WINDOW_CLOSED');
    order
      .given(reviewed())
      .when(review(at(12)))
      .thenRefuses('REVIEW_ALREADY_POSTED');
    order.given(shipped()).when(review()).thenRefuses('ORDER_NOT_COMPLETED');
    order.given(paid()).when(review()).thenRefuses('ORDER_NOT_COMPLETED');
  });
  it('O11: only the buyer reviews (ROLE_NOT_ALLOWED)', () => {
    order
      .given(completed())
      .when(cmd('PostReview', { rating: 4 }, seller, at(11)))
      .thenRefuses('ROLE_NOT_ALLOWED');
  });
});

describe('O11 (amended): the review window counts from receipt [002]', () => {
  it('O11: a reported delivery is receipt: the buyer reviews before confirming, while protection still runs', () => {
    order
      .given(delivered())
      .when(review(at(6)))
      .then([{ type: 'ReviewPosted', data: { ...parties, rating: 5, text: 'great', postedAt: at(6), publishDueAt: at(36) } }]);
  });
  it('O11: delivered on day 5: the window closes on day 35 although the order is still in protection (REVIEW_WINDOW_CLOSED)', () => {
    expect(deadlines(stateOf(delivered()))).toContainEqual({ kind: 'review_window', dueAt: at(35), actor: 'buyer', onExpiry: 'review_window_closed' });
    order
      .given(delivered())
      .when(review(at(34, 23)))
      .then((events) => expect(events.map((e) => e.type)).toEqual(['ReviewPosted']));
    order
      .given(delivered())
      .when(review(at(35)))
      .thenRefuses('REVIEW_WINDOW_CLOSED');
  });
  it('O11: delivery reported before the confirmation: the window counts from the delivery (whichever first), not from completion', () => {
    const deliveredThenConfirmed = history(place(), pay(), ship(), deliver(at(5)), confirm(at(10)));
    expect(deadlines(stateOf(deliveredThenConfirmed))).toEqual([{ kind: 'review_window', dueAt: at(35), actor: 'buyer', onExpiry: 'review_window_closed' }]);
    order
      .given(deliveredThenConfirmed)
      .when(review(at(36)))
      .thenRefuses('REVIEW_WINDOW_CLOSED');
  });
  it('O11: confirmed without a delivery report: from the confirmation; auto-confirmed without one: from completion', () => {
    expect(deadlines(stateOf(completed()))).toEqual([{ kind: 'review_window', dueAt: at(40), actor: 'buyer', onExpiry: 'review_window_closed' }]);
    const auto = history(place(), pay(), ship(), fire('protection_end', at(61)), protectionEndAcknowledged(1, at(61, 1)));
    expect(stateOf(auto)).toMatchObject({ status: 'completed', completion: { reason: 'AUTO_CONFIRMED' } });
    expect(deadlines(stateOf(auto))).toEqual([{ kind: 'review_window', dueAt: at(91, 1), actor: 'buyer', onExpiry: 'review_window_closed' }]);
  });
  it('O11: the window that ran out while delivered stays closed after completion', () => {
    const lapsed = history(place(), pay(), ship(), deliver(at(5)), fire('review_window', at(35)));
    expect(stateOf(lapsed)).toMatchObject({ status: 'delivered', reviewWindowClosedAt: at(35) });
    order
      .given(lapsed)
      .when(confirm(at(36)))
      .then((events) => expect(events.map((e) => e.type)).toEqual(['OrderCompleted']));
    order
      .given(history(place(), pay(), ship(), deliver(at(5)), fire('review_window', at(35)), confirm(at(36))))
      .when(review(at(37)))
      .thenRefuses('REVIEW_WINDOW_CLOSED');
  });
  it('O11: a review written while delivered is kept through completion, and through a refund that closes the order', () => {
    const early = history(place(), pay(), ship(), deliver(at(5)), review(at(6)), confirm(at(10)));
    expect(stateOf(early)).toMatchObject({ status: 'completed', review: { rating: 5, postedAt: at(6), publishedAt: null } });
    const refunded = history(place(), pay(), ship(), deliver(at(5)), review(at(6)), disputeOpened(at(7)), disputeSettled(5000, at(20)));
    expect(stateOf(refunded)).toMatchObject({ status: 'closed', review: { postedAt: at(6) } });
    expect(deadlines(stateOf(refunded))).toEqual([{ kind: 'review_publication', dueAt: at(36), actor: 'system', onExpiry: 'review_published' }]);
    order
      .given(refunded)
      .when(fire('review_publication', at(36)))
      .then([{ type: 'ReviewPublished', data: { orderId: ORDER, rating: 5, publishedAt: at(36) } }]);
    order
      .given(refunded)
      .when(review(at(21)))
      .thenRefuses('ORDER_CLOSED');
  });
});

describe('ReplyToReview (O11)', () => {
  it('O11: a seller reply publishes the review at once', () => {
    order
      .given(reviewed())
      .when(reply())
      .then([
        { type: 'ReviewReplied', data: { orderId: ORDER, sellerId: seller.id, text: 'thanks', repliedAt: at(12) } },
        { type: 'ReviewPublished', data: { orderId: ORDER, rating: 5, publishedAt: at(12) } },
      ]);
  });
  it('O11: a reply after publication only adds the reply', () => {
    order
      .given(history(place(), pay(), ship(), confirm(), review(), fire('review_publication', at(41))))
      .when(reply(at(42)))
      .then((events) => expect(events.map((e) => e.type)).toEqual(['ReviewReplied']));
  });
  it('O11: refused without a review (REVIEW_NOT_FOUND), twice (REVIEW_ALREADY_REPLIED), by the buyer (ROLE_NOT_ALLOWED)', () => {
    order.given(completed()).when(reply()).thenRefuses('REVIEW_NOT_FOUND');
    order
      .given(history(place(), pay(), ship(), confirm(), review(), reply()))
      .when(reply(at(13)))
      .thenRefuses('REVIEW_ALREADY_REPLIED');
    order
      .given(reviewed())
      .when(cmd('ReplyToReview', { text: 'x' }, buyer, at(12)))
      .thenRefuses('ROLE_NOT_ALLOWED');
  });
});

describe('RateBuyer (O11: the seller rates the buyer back before publication)', () => {
  it('O11: the reciprocal rating publishes the review at once', () => {
    order
      .given(reviewed())
      .when(rate())
      .then([
        { type: 'BuyerRated', data: { ...parties, rating: 4, text: 'paid at once', ratedAt: at(12) } },
        { type: 'ReviewPublished', data: { orderId: ORDER, rating: 5, publishedAt: at(12) } },
      ]);
  });
  it('O11: rated back: nothing is left to publish (no deadline); the rating shows on the review', () => {
    const rated = history(place(), pay(), ship(), confirm(), review(), rate());
    expect(deadlines(stateOf(rated))).toEqual([]);
    expect(stateOf(rated)).toMatchObject({ review: { buyerRating: { rating: 4, text: 'paid at once', ratedAt: at(12) }, publishedAt: at(12) } });
  });
  it('O11: a rating after a reply (already published) only adds the rating', () => {
    order
      .given(history(place(), pay(), ship(), confirm(), review(), reply()))
      .when(rate(at(13)))
      .then((events) => expect(events.map((e) => e.type)).toEqual(['BuyerRated']));
  });
  it('O11: within buyerRatingWindow of the review (BUYER_RATING_WINDOW_CLOSED after); once (BUYER_ALREADY_RATED)', () => {
    order
      .given(reviewed())
      .when(rate(at(40, 23)))
      .then((events) => expect(events.map((e) => e.type)).toEqual(['BuyerRated', 'ReviewPublished']));
    order
      .given(reviewed())
      .when(rate(at(41)))
      .thenRefuses('BUYER_RATING_WINDOW_CLOSED');
    order
      .given(history(place(), pay(), ship(), confirm(), review(), rate()))
      .when(rate(at(13), 5))
      .thenRefuses('BUYER_ALREADY_RATED');
  });
  it('O11: a longer rating window than the publication delay: a rating after publication only adds itself', () => {
    const longer = history(
      place({ policy: withOrderPolicy({ buyerRatingWindow: 'P60D' }) }),
      pay(),
      ship(),
      confirm(),
      review(),
      fire('review_publication', at(41)),
    );
    order
      .given(longer)
      .when(rate(at(50)))
      .then((events) => expect(events.map((e) => e.type)).toEqual(['BuyerRated']));
  });
  it('O11: reciprocal: no review, no rating (REVIEW_NOT_FOUND); only the seller rates (ROLE_NOT_ALLOWED); another seller gets ORDER_NOT_FOUND', () => {
    order.given(completed()).when(rate()).thenRefuses('REVIEW_NOT_FOUND');
    order
      .given(reviewed())
      .when(rate(at(12), 4, buyer))
      .thenRefuses('ROLE_NOT_ALLOWED');
    order
      .given(reviewed())
      .when(rate(at(12), 4, agent))
      .thenRefuses('ROLE_NOT_ALLOWED');
    order
      .given(reviewed())
      .when(rate(at(12), 4, { role: 'seller', id: 'seller-2' }))
      .thenRefuses('ORDER_NOT_FOUND');
  });
  it('O11: a review written while delivered can be rated back before the order completes', () => {
    order
      .given(history(place(), pay(), ship(), deliver(at(5)), review(at(6))))
      .when(rate(at(7)))
      .then((events) => expect(events.map((e) => e.type)).toEqual(['BuyerRated', 'ReviewPublished']));
  });
  it('O2, O11: an order placed before buyerRatingWindow existed reads its default from the policy schema', () => {
    const { buyerRatingWindow: _added, ...before } = policy.order;
    const old = history(place({ policy: { ...policy, order: before } as PolicySnapshot }), pay(), ship(), confirm(), review());
    expect(old[0]).toMatchObject({ type: 'OrderPlaced' });
    expect(JSON.stringify(old[0]!.data)).not.toContain('buyerRatingWindow');
    order
      .given(old)
      .when(rate(at(40, 23)))
      .then((events) => expect(events.map((e) => e.type)).toEqual(['BuyerRated', 'ReviewPublished']));
    order
      .given(old)
      .when(rate(at(41)))
      .thenRefuses('BUYER_RATING_WINDOW_CLOSED');
  });
});
