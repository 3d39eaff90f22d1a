// O11: the buyer reviews once the goods are received; the seller replies once and rates the buyer
// back once (either publishes the review).
import type { FastifyPluginAsyncZod } from '@bp/http';
import { PostReviewBody, RateBuyerBody, ReplyToReviewBody } from '../domain/order';
import type { RouteDeps } from './context';
import { orderCommandRoute } from './order-command';
import { OrderParams } from './params';

export const reviewRoutes =
  (deps: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    orderCommandRoute(app, deps, {
      url: '/orders/:orderId/review',
      type: 'PostReview',
      params: OrderParams,
      body: PostReviewBody,
      doc: { operationId: 'postReview', summary: 'Review the completed order (O11)', refusals: ['REVIEW_WINDOW_CLOSED', 'REVIEW_ALREADY_POSTED'] },
      data: (req) => ({ orderId: req.params.orderId, ...req.body }),
    });
    orderCommandRoute(app, deps, {
      url: '/orders/:orderId/review/reply',
      type: 'ReplyToReview',
      params: OrderParams,
      body: ReplyToReviewBody,
      doc: { operationId: 'replyToReview', summary: 'Reply to the review, once (O11)', refusals: ['REVIEW_NOT_FOUND', 'REVIEW_ALREADY_REPLIED'] },
      data: (req) => ({ orderId: req.params.orderId, ...req.body }),
    });
    orderCommandRoute(app, deps, {
      url: '/orders/:orderId/review/buyer-rating',
      type: 'RateBuyer',
      params: OrderParams,
      body: RateBuyerBody,
      doc: {
        operationId: 'rateBuyer',
        summary: 'The seller rates the buyer back, once (O11)',
        refusals: ['REVIEW_NOT_FOUND', 'BUYER_ALREADY_RATED', 'BUYER_RATING_WINDOW_CLOSED'],
      },
      data: (req) => ({ orderId: req.params.orderId, ...req.body }),
    });
  };
