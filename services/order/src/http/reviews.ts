// O11: the buyer reviews a completed order; the seller replies once.
import type { ServiceApp } from '@bp/http';
import { PostReviewBody, ReplyToReviewBody } from '../domain/order';
import type { RouteDeps } from './context';
import { orderCommandRoute } from './order-command';
import { OrderParams } from './params';

export const reviewRoutes = (deps: RouteDeps) => async (app: ServiceApp) => {
  orderCommandRoute(app, deps, { url: '/orders/:orderId/review', type: 'PostReview', params: OrderParams, body: PostReviewBody,
    data: (req) => ({ orderId: req.params.orderId, ...req.body }) });
  orderCommandRoute(app, deps, { url: '/orders/:orderId/review/reply', type: 'ReplyToReview', params: OrderParams, body: ReplyToReviewBody,
    data: (req) => ({ orderId: req.params.orderId, ...req.body }) });
};
