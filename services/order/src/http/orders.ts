// /orders: place (O2), read one, list own. Ids are generated here, never in the domain.
import { randomUUID } from 'node:crypto';
import { PageShape, changeWaitOf, decodeCursor, encodeCursor, operation, preferenceApplied, refusalsOf, type FastifyPluginAsyncZod } from '@bp/http';
import { durationMs, snapshotOf } from '@bp/timers';
import { callerOf, requestMeta } from '@bp/runtime';
import { z } from 'zod';
import { OrderErrors, PlaceOrderBody, orderError } from '../domain/order';
import { BuyerLevelErrors } from '../domain/buyer-level';
import { listOrders } from '../projections';
import { execute, sendView, visibleOrder, type RouteDeps } from './context';
import { OrderParams } from './params';
import { BuyerStatus, OrderPage, OrderViewBody } from './schemas';

const ListQuery = z.object({ ...PageShape, as: z.enum(['buyer', 'seller']).optional(), status: BuyerStatus.optional() });
const Cursor = z.object({ placedAt: z.iso.datetime(), orderId: z.string().min(1) });

export const orderRoutes =
  (deps: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { ctx } = deps;

    const place = operation({
      operationId: 'placeOrder',
      tags: ['orders'],
      summary: 'Place an order (O2)',
      ok: { 201: { body: OrderViewBody, description: 'The order placed, awaiting payment', headers: ['ETag', 'Location'] } },
      refusals: {
        ...refusalsOf(OrderErrors, [
          'ORDER_ALREADY_EXISTS',
          'EMPTY_ORDER',
          'TOO_MANY_ITEMS',
          'CURRENCY_MISMATCH',
          'PROTECTION_DAYS_OUT_OF_RANGE',
          'HANDLING_DAYS_OUT_OF_RANGE',
        ]),
        ...refusalsOf(BuyerLevelErrors, ['UNKNOWN_CURRENCY_RATE']),
      },
    });
    app.post('/orders', { config: { roles: ['buyer'] }, schema: { body: PlaceOrderBody, ...place } }, async (req, reply) => {
      const { meta, metadata } = requestMeta(req, ctx);
      const orderId = randomUUID();
      const r = await execute(deps, req, { type: 'PlaceOrder', data: { ...req.body, orderId, policy: snapshotOf(ctx.policy) }, meta }, metadata, {
        newStream: true,
      });
      reply.header('location', `/orders/${orderId}`);
      return sendView(reply, ctx, r.state, r.version, meta.actor, 201);
    });

    const read = operation({
      operationId: 'getOrder',
      tags: ['orders'],
      summary: 'The order: status, totals, protection, deadlines, allowedActions',
      description: [
        'To wait for a change instead of polling (e.g. for the payment to show after POST /payments), send',
        'the version you hold as If-None-Match: "<version>" with Prefer: wait=<seconds>: the answer comes',
        'as soon as the order is past that version (200), or after the seconds with 304 (at most policy',
        'api.changeWaitMax, 30 s; Preference-Applied says the wait was honoured).',
      ].join(' '),
      ok: { 200: { body: OrderViewBody, description: 'The order as the caller sees it', headers: ['ETag', 'Preference-Applied'] } },
      refusals: refusalsOf(OrderErrors, ['ORDER_NOT_FOUND']),
      waitsForChange: true,
    });
    const changeWaitMaxMs = durationMs(ctx.policy.api.changeWaitMax);
    // A shutdown answers the waiting GETs at once (what they have), rather than after their wait.
    app.addHook('preClose', async () => {
      await deps.app.stopWaiting();
    });
    app.get('/orders/:orderId', { config: { roles: ['buyer', 'seller', 'agent'] }, schema: { params: OrderParams, ...read } }, async (req, reply) => {
      const caller = callerOf(req);
      let order = await deps.app.load(req.params.orderId);
      visibleOrder(order.state, caller); // a stranger is told 404 at once, never made to wait
      const wait = changeWaitOf(req, changeWaitMaxMs);
      if (wait) {
        preferenceApplied(reply, wait);
        if (order.version === wait.version) order = await deps.app.loadNewer(req.params.orderId, wait);
      }
      return sendView(reply, ctx, order.state, order.version, caller);
    });

    // A buyer lists the orders they bought, a seller those they sold: `as` can only be one's own role.
    const list = operation({
      operationId: 'listOrders',
      tags: ['orders'],
      summary: 'Own orders, newest first',
      ok: { 200: OrderPage },
      refusals: refusalsOf(OrderErrors, ['ROLE_NOT_ALLOWED']),
    });
    app.get('/orders', { config: { roles: ['buyer', 'seller'] }, schema: { querystring: ListQuery, ...list } }, async (req) => {
      const caller = callerOf(req);
      const as = req.query.as ?? caller.role;
      if (as !== caller.role) throw orderError('ROLE_NOT_ALLOWED', `a ${caller.role} cannot list orders as ${as}`);
      const after = req.query.cursor ? decodeCursor(req.query.cursor, Cursor) : undefined;
      const page = await listOrders(ctx.pool, ctx.schema, {
        party: as as 'buyer' | 'seller',
        partyId: caller.id,
        status: req.query.status,
        limit: req.query.limit,
        after,
      });
      const last = page.items[page.items.length - 1];
      return { items: page.items, nextCursor: page.hasMore && last ? encodeCursor({ placedAt: last.placedAt, orderId: last.orderId }) : null };
    });
  };
