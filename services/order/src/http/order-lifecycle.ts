// Cancel (O4), ship (O5), report delivery (O10), confirm receipt (O6).
import type { FastifyPluginAsyncZod } from '@bp/http';
import { CancelOrderBody, ConfirmReceiptBody, ReportDeliveryBody, ShipOrderBody } from '../domain/order';
import type { RouteDeps } from './context';
import { orderCommandRoute } from './order-command';
import { OrderParams } from './params';

export const lifecycleRoutes =
  (deps: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const params = OrderParams;
    orderCommandRoute(app, deps, {
      url: '/orders/:orderId/cancel',
      type: 'CancelOrder',
      params,
      body: CancelOrderBody.nullish(),
      doc: { operationId: 'cancelOrder', summary: 'Cancel before shipment (O4)' },
      data: (req) => ({ orderId: req.params.orderId, ...req.body }),
    });
    orderCommandRoute(app, deps, {
      url: '/orders/:orderId/shipments',
      type: 'ShipOrder',
      params,
      body: ShipOrderBody,
      doc: { operationId: 'shipOrder', summary: 'Record the shipment (O5)' },
      data: (req) => ({ orderId: req.params.orderId, ...req.body }),
    });
    orderCommandRoute(app, deps, {
      url: '/orders/:orderId/delivery',
      type: 'ReportDelivery',
      params,
      body: ReportDeliveryBody.nullish(),
      doc: { operationId: 'reportDelivery', summary: 'Report the delivery (O10)' },
      data: (req) => ({ orderId: req.params.orderId, ...req.body }),
    });
    // O6: a repeated confirm is harmless (the decider returns no events, the answer is the same view).
    orderCommandRoute(app, deps, {
      url: '/orders/:orderId/confirm-receipt',
      type: 'ConfirmReceipt',
      params,
      body: ConfirmReceiptBody.nullish(),
      doc: { operationId: 'confirmReceipt', summary: 'Confirm receipt (O6); a repeated confirm answers the same view' },
      data: (req) => ({ orderId: req.params.orderId }),
    });
  };
