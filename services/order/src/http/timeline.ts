// GET /orders/{id}/timeline (API.md): the order's events from every service, in order. The order's
// own stream (facts other services told us are our own events there: OrderPaid, RefundRecorded,
// ProtectionSuspended, ... with the causing event's id as causationId) merged with the order's
// timeline stream, where every public escrow.v1 / disputes.v1 event about the order is recorded as
// it was published (domain/timeline). Each item says which service it came from. Parties and agents
// only (others 404, as for the order); the shipping address event is redacted.
import { operation, refusalsOf, type FastifyPluginAsyncZod } from '@bp/http';
import { callerOf } from '@bp/runtime';
import { OrderErrors } from '../domain/order';
import { visibleOrder, type RouteDeps } from './context';
import { OrderParams } from './params';
import { TimelineBody } from './schemas';

export const timelineRoutes =
  (deps: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/orders/:orderId/timeline',
      {
        config: { roles: ['buyer', 'seller', 'agent'] },
        schema: {
          params: OrderParams,
          ...operation({
            operationId: 'getOrderTimeline',
            tags: ['orders'],
            summary: "The order's events from every service, in order",
            ok: { 200: TimelineBody },
            refusals: refusalsOf(OrderErrors, ['ORDER_NOT_FOUND']),
          }),
        },
      },
      async (req) => {
        const { state, items } = await deps.app.timeline(req.params.orderId);
        visibleOrder(state, callerOf(req));
        return { orderId: req.params.orderId, items };
      },
    );
  };
