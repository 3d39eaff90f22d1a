import { spec } from '@bp/testing';
import { orderDecider } from '../../src/domain/order';
import { ORDER, at, buyer, cmd, completed, confirm, fire, history, pay, place, reply, review, seller, ship, shipped } from './fixtures';

const order = spec(orderDecider);
const reviewed = () => history(place(), pay(), ship(), confirm(), review());

describe('PostReview (O11)', () => {
  it('O11: the buyer reviews within the review window; publication is due reviewPublishAfter later', () => {
    order.given(completed()).when(review()).then([
      { type: 'ReviewPosted', data: { orderId: ORDER, buyerId: buyer.id, sellerId: seller.id, rating: 5, text: 'great', postedAt: at(11), publishDueAt: at(41) } },
    ]);
  });
  it('O11: refused after the window (REVIEW_WINDOW_CLOSED), twice (REVIEW_ALREADY_POSTED), before completion (ORDER_NOT_COMPLETED)', () => {
    order.given(completed()).when(review(at(40))).thenRefuses('REVIEW_WINDOW_CLOSED');
    order.given(reviewed()).when(review(at(12))).thenRefuses('REVIEW_ALREADY_POSTED');
    order.given(shipped()).when(review()).thenRefuses('ORDER_NOT_COMPLETED');
  });
  it('O11: only the buyer reviews (ROLE_NOT_ALLOWED)', () => {
    order.given(completed()).when(cmd('PostReview', { rating: 4 }, seller, at(11))).thenRefuses('ROLE_NOT_ALLOWED');
  });
});

describe('ReplyToReview (O11)', () => {
  it('O11: a seller reply publishes the review at once', () => {
    order.given(reviewed()).when(reply()).then([
      { type: 'ReviewReplied', data: { orderId: ORDER, sellerId: seller.id, text: 'thanks', repliedAt: at(12) } },
      { type: 'ReviewPublished', data: { orderId: ORDER, rating: 5, publishedAt: at(12) } },
    ]);
  });
  it('O11: a reply after publication only adds the reply', () => {
    order.given(history(place(), pay(), ship(), confirm(), review(), fire('review_publication', at(41)))).when(reply(at(42)))
      .then((events) => expect(events.map((e) => e.type)).toEqual(['ReviewReplied']));
  });
  it('O11: refused without a review (REVIEW_NOT_FOUND), twice (REVIEW_ALREADY_REPLIED), by the buyer (ROLE_NOT_ALLOWED)', () => {
    order.given(completed()).when(reply()).thenRefuses('REVIEW_NOT_FOUND');
    order.given(history(place(), pay(), ship(), confirm(), review(), reply())).when(reply(at(13))).thenRefuses('REVIEW_ALREADY_REPLIED');
    order.given(reviewed()).when(cmd('ReplyToReview', { text: 'x' }, buyer, at(12))).thenRefuses('ROLE_NOT_ALLOWED');
  });
});
