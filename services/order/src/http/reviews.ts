// O11: the buyer reviews once the goods are received; the seller replies once and rates the buyer
// back once (either publishes the review).
import type { ServiceApp } from '@bp/http';
import { PostReviewBody, RateBuyerBody, ReplyToReviewBody } from '../domain/order';
import type { RouteDeps } from './context';
import { orderCommandRoute } from './order-command';
import { OrderParams } from './params';

export const reviewRoutes = (deps: RouteDeps) => async (app: ServiceApp) => {
  orderCommandRoute(app, deps, { url: '/orders/:orderId/review', type: 'PostReview', params: OrderParams, body: PostReviewBody,
    data: (req) => ({ orderId: req.params.orderId, ...req.body }) });
  orderCommandRoute(app, deps, { url: '/orders/:orderId/review/reply', type: 'ReplyToReview', params: OrderParams, body: ReplyToReviewBody,
    data: (req) => ({ orderId: req.params.orderId, ...req.body }) });
  orderCommandRoute(app, deps, { url: '/orders/:orderId/review/buyer-rating', type: 'RateBuyer', params: OrderParams, body: RateBuyerBody,
    data: (req) => ({ orderId: req.params.orderId, ...req.body }) });
};
