// O8: the buyer asks for more protection days; the seller approves or declines.
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from '@bp/http';
import { AnswerExtensionBody, RequestExtensionBody } from '../domain/order';
import type { RouteDeps } from './context';
import { orderCommandRoute } from './order-command';
import { ExtensionParams, OrderParams } from './params';
import { ExtensionCreated } from './schemas';

export const extensionRoutes =
  (deps: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    orderCommandRoute(app, deps, {
      url: '/orders/:orderId/extensions',
      type: 'RequestExtension',
      params: OrderParams,
      body: RequestExtensionBody,
      created: ExtensionCreated,
      doc: {
        operationId: 'requestExtension',
        summary: 'Ask for more protection days (O8)',
        refusals: ['EXTENSION_DAYS_OUT_OF_RANGE', 'EXTENSION_PENDING', 'EXTENSION_LIMIT_REACHED'],
      },
      data: (req) => ({ orderId: req.params.orderId, extensionId: randomUUID(), ...req.body }),
      answer: (r, data) => ({ status: 201, body: { extensionId: data.extensionId, version: r.version } }),
    });
    const answer = { params: ExtensionParams, body: AnswerExtensionBody.nullish() };
    orderCommandRoute(app, deps, {
      url: '/orders/:orderId/extensions/:extensionId/approve',
      type: 'ApproveExtension',
      ...answer,
      doc: { operationId: 'approveExtension', summary: 'Approve the extension (O8)', refusals: ['EXTENSION_NOT_FOUND', 'EXTENSION_NOT_PENDING'] },
      data: (req) => ({ orderId: req.params.orderId, extensionId: req.params.extensionId }),
    });
    orderCommandRoute(app, deps, {
      url: '/orders/:orderId/extensions/:extensionId/decline',
      type: 'DeclineExtension',
      ...answer,
      doc: { operationId: 'declineExtension', summary: 'Decline the extension (O8)', refusals: ['EXTENSION_NOT_FOUND', 'EXTENSION_NOT_PENDING'] },
      data: (req) => ({ orderId: req.params.orderId, extensionId: req.params.extensionId }),
    });
  };
