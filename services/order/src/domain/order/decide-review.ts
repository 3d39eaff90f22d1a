// O11 [002]: once the goods are received (delivery reported or receipt confirmed, whichever first;
// completion otherwise) the buyer may review within reviewWindow. The review is published when the
// seller rates the buyer back or replies, or reviewPublishAfter after it was written (the
// review_publication deadline). The seller rates back within buyerRatingWindow of the review.
import { allow, existing } from './authorize';
import type { CommandOf } from './commands';
import { refuseIf } from './errors';
import { receivedAt } from './guards';
import type { OrderEvent, OrderState, Review } from './order';
import { dueAt } from './process';
import { iso } from './time';

export const postReview = (cmd: CommandOf<'PostReview'>, state: OrderState): OrderEvent[] => {
  const pre = existing(cmd, state);
  // O11: not before receipt; the code a review before completion always had (a closed order is ORDER_CLOSED).
  refuseIf(pre.status !== 'closed' && receivedAt(pre) === null ? 'ORDER_NOT_COMPLETED' : null, 'the goods are not received yet');
  const { s } = allow(cmd, state);
  const postedAt = iso(cmd.meta.now);
  const publishDueAt = dueAt(postedAt, 'order.reviewPublishAfter', s.order);
  const { orderId, buyerId, sellerId } = s.order;
  return [{ type: 'ReviewPosted', data: { orderId, buyerId, sellerId, rating: cmd.data.rating, text: cmd.data.text ?? '', postedAt, publishDueAt } }];
};

/** O11: the seller's answer publishes a review not yet published; after publication it only adds itself. */
const publishing = (s: { order: { orderId: string }; review: Review }, answer: OrderEvent, at: string): OrderEvent[] =>
  s.review.publishedAt ? [answer] : [answer, { type: 'ReviewPublished', data: { orderId: s.order.orderId, rating: s.review.rating, publishedAt: at } }];

export const replyToReview = (cmd: CommandOf<'ReplyToReview'>, state: OrderState): OrderEvent[] => {
  const { s } = allow(cmd, state);
  if (!s.review) return [];
  const at = iso(cmd.meta.now);
  const replied: OrderEvent = { type: 'ReviewReplied', data: { orderId: s.order.orderId, sellerId: s.order.sellerId, text: cmd.data.text, repliedAt: at } };
  return publishing({ order: s.order, review: s.review }, replied, at);
};

/** O11: the reciprocal rating: the seller rates the buyer once, which publishes the buyer's review. */
export const rateBuyer = (cmd: CommandOf<'RateBuyer'>, state: OrderState): OrderEvent[] => {
  const { s } = allow(cmd, state);
  if (!s.review) return [];
  const ratedAt = iso(cmd.meta.now);
  const { orderId, buyerId, sellerId } = s.order;
  const rated: OrderEvent = { type: 'BuyerRated', data: { orderId, buyerId, sellerId, rating: cmd.data.rating, text: cmd.data.text ?? '', ratedAt } };
  return publishing({ order: s.order, review: s.review }, rated, ratedAt);
};
