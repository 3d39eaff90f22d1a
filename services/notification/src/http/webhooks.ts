// Partner webhooks (N4, N5): subscribe, list, delete, the delivery log and redelivery. Another
// partner's subscription is a 404. The secret is shown once, in the answer to POST /webhooks.
import { randomBytes, randomUUID } from 'node:crypto';
import { decodeCursor, encodeCursor, operation, Page, pageOf } from '@bp/http';
import { callerOf, requestMeta } from '@bp/runtime';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { subscribe } from '../app/subscribe';
import { SubscriptionBody, subscriptionOwnedBy } from '../domain/webhooks/subscription';
import { listDeliveries, listSubscriptions } from '../projections/webhooks';
import type { RouteDeps } from './context';

const PARTNER = { roles: ['partner'] as const };
const Id = z.string().min(1).max(200);
const Cursor = z.object({ c: z.string(), id: z.string() });
const Subscription = z.object({
  id: z.string(),
  url: z.string(),
  eventTypes: z.array(z.string()),
  status: z.string(),
  consecutiveFailures: z.number().int(),
  createdAt: z.string(),
});
const Delivery = z.object({
  id: z.string(),
  eventId: z.string(),
  ceType: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const paged = <T extends { id: string; createdAt: string }>(rows: T[], limit: number) => {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor({ c: last.createdAt, id: last.id }) : null };
};

export const webhookRoutes =
  ({ ctx, h, webhookTargets }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const owned = async (req: Parameters<typeof callerOf>[0], id: string) => subscriptionOwnedBy((await h.loadSubscription(id)).state, callerOf(req));

    app.post(
      '/webhooks',
      {
        config: PARTNER,
        schema: {
          body: SubscriptionBody,
          ...operation({
            operationId: 'subscribeWebhook',
            tags: ['webhooks'],
            summary: 'Subscribe to event types; the secret is shown once (N5)',
            ok: {
              201: { body: z.object({ id: z.string(), secret: z.string(), url: z.string(), eventTypes: z.array(z.string()) }), description: 'Subscribed' },
            },
            refusals: { 422: ['WEBHOOK_TARGET_FORBIDDEN'] },
          }),
        },
      },
      async (req, reply) => {
        const { meta, metadata } = requestMeta(req, ctx);
        const subscriptionId = randomUUID();
        const secret = `whsec_${randomBytes(32).toString('base64url')}`;
        await subscribe(
          h,
          webhookTargets,
          { type: 'Subscribe', data: { subscriptionId, secret, url: req.body.url, eventTypes: [...new Set(req.body.eventTypes)] }, meta },
          { metadata },
        );
        return reply.code(201).send({ id: subscriptionId, secret, url: req.body.url, eventTypes: [...new Set(req.body.eventTypes)] });
      },
    );

    app.get(
      '/webhooks',
      {
        config: PARTNER,
        schema: {
          querystring: Page,
          ...operation({ operationId: 'listWebhooks', tags: ['webhooks'], summary: 'Own subscriptions', ok: { 200: pageOf(Subscription) } }),
        },
      },
      async (req) => {
        const after = req.query.cursor ? decodeCursor(req.query.cursor, Cursor) : undefined;
        const rows = await listSubscriptions(ctx.pool, ctx.schema, callerOf(req).id, req.query.limit + 1, after && { createdAt: after.c, id: after.id });
        return paged(rows, req.query.limit);
      },
    );

    app.delete(
      '/webhooks/:id',
      {
        config: PARTNER,
        schema: {
          params: z.object({ id: Id }),
          ...operation({
            operationId: 'deleteWebhook',
            tags: ['webhooks'],
            summary: 'Unsubscribe',
            ok: { 204: { body: null, description: 'Deleted' } },
            refusals: { 404: ['WEBHOOK_NOT_FOUND'] },
          }),
        },
      },
      async (req, reply) => {
        const { meta, metadata } = requestMeta(req, ctx);
        await h.subscriptions({ type: 'Unsubscribe', data: { subscriptionId: req.params.id }, meta }, { metadata });
        return reply.code(204).send();
      },
    );

    app.get(
      '/webhooks/:id/deliveries',
      {
        config: PARTNER,
        schema: {
          params: z.object({ id: Id }),
          querystring: Page,
          ...operation({
            operationId: 'listWebhookDeliveries',
            tags: ['webhooks'],
            summary: 'The delivery log of a subscription',
            ok: { 200: pageOf(Delivery) },
            refusals: { 404: ['WEBHOOK_NOT_FOUND'] },
          }),
        },
      },
      async (req) => {
        await owned(req, req.params.id);
        const after = req.query.cursor ? decodeCursor(req.query.cursor, Cursor) : undefined;
        const rows = await listDeliveries(ctx.pool, ctx.schema, req.params.id, req.query.limit + 1, after && { createdAt: after.c, id: after.id });
        return paged(rows, req.query.limit);
      },
    );

    app.post(
      '/webhooks/:id/deliveries/:deliveryId/redeliver',
      {
        config: PARTNER,
        schema: {
          params: z.object({ id: Id, deliveryId: Id }),
          ...operation({
            operationId: 'redeliverWebhook',
            tags: ['webhooks'],
            summary: 'Send a delivery again',
            ok: { 202: z.object({ id: z.string(), status: z.string() }) },
            refusals: { 404: ['WEBHOOK_NOT_FOUND', 'DELIVERY_NOT_FOUND'], 409: ['DELIVERY_IN_PROGRESS'] },
          }),
        },
      },
      async (req, reply) => {
        await owned(req, req.params.id);
        const { meta, metadata } = requestMeta(req, ctx);
        const result = await h.deliveries(
          { type: 'Redeliver', data: { deliveryId: req.params.deliveryId, subscriptionId: req.params.id }, meta },
          { metadata },
        );
        return reply.code(202).send({ id: req.params.deliveryId, status: result.state.status });
      },
    );
  };
