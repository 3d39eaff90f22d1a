// GET /orders/{id}/timeline: the order's events from this service's log, in stream order. Facts other
// services told us (payment, refunds, disputes) are already here as our own events (OrderPaid,
// RefundRecorded, ProtectionSuspended, ...), each with the causing event's id as causationId. The
// cross-service ops timeline (every service's log joined by correlation id) is `npm run ops --
// timeline`, which comes later.
import type { ServiceApp } from '@bp/http';
import { callerOf, visibleOrder, type RouteDeps } from './context';
import { OrderParams } from './params';

// The shipping address is shown in the order view to the parties; the timeline names the fact only.
const redact = (type: string, data: unknown): unknown => (type === 'ShippingAddressRecorded' ? { redacted: true } : data);

export const timelineRoutes = (deps: RouteDeps) => async (app: ServiceApp) => {
  app.get('/orders/:orderId/timeline', { config: { roles: ['buyer', 'seller', 'agent'] }, schema: { params: OrderParams } }, async (req) => {
    const { events, state } = await deps.app.history(req.params.orderId);
    visibleOrder(state, callerOf(req));
    return {
      orderId: req.params.orderId,
      items: events.map((e) => ({
        eventId: e.id,
        type: e.type,
        version: e.streamVersion,
        occurredAt: e.occurredAt,
        actor: e.actor,
        correlationId: e.correlationId,
        causationId: e.causationId,
        data: redact(e.type, e.data),
      })),
    };
  });
};
