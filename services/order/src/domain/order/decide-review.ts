// O11: after completion the buyer may review within reviewWindow; the review is published when the
// seller replies or reviewPublishAfter after it was written (the review_publication deadline).
import { allow } from './authorize';
import type { CommandOf } from './commands';
import type { OrderEvent, OrderState } from './order';
import { dueAt } from './process';
import { iso } from './time';

export const postReview = (cmd: CommandOf<'PostReview'>, state: OrderState): OrderEvent[] => {
  const { s } = allow(cmd, state);
  const postedAt = iso(cmd.meta.now);
  const publishDueAt = dueAt(postedAt, 'order.reviewPublishAfter', s.order);
  const { orderId, buyerId, sellerId } = s.order;
  return [{ type: 'ReviewPosted', data: { orderId, buyerId, sellerId, rating: cmd.data.rating, text: cmd.data.text ?? '', postedAt, publishDueAt } }];
};

export const replyToReview = (cmd: CommandOf<'ReplyToReview'>, state: OrderState): OrderEvent[] => {
  const { s } = allow(cmd, state);
  if (s.status !== 'completed' || !s.review) return [];
  const at = iso(cmd.meta.now);
  const replied: OrderEvent = { type: 'ReviewReplied', data: { orderId: s.order.orderId, sellerId: s.order.sellerId, text: cmd.data.text, repliedAt: at } };
  if (s.review.publishedAt) return [replied];
  return [replied, { type: 'ReviewPublished', data: { orderId: s.order.orderId, rating: s.review.rating, publishedAt: at } }];
};
