// The notification service as the runtime runs it (libs/runtime): its log's event types, what it
// publishes (NoticeSent), the four topics it listens to, its read models, routes and deadline
// firing (reminders, e-mail sends, webhook attempts). The runtime does the rest.
import { notificationPublicEvents, Topics } from '@bp/contracts';
import { defineService, type ServiceContext, type ServiceModule } from '@bp/runtime';
import { notificationRegistry } from './app/events';
import { fireDeadline } from './app/fire';
import { createHandlers } from './app/handlers';
import { onPublicEvent } from './app/on-public-event';
import { handleEveryEventOf } from './consumers/public-events';
import type { RouteDeps } from './http/context';
import { inboxRoutes } from './http/inbox';
import { recipientRoutes } from './http/recipients';
import { webhookRoutes } from './http/webhooks';
import { loadNotificationConfig } from './infra/config';
import { createMailer, type Mailer } from './infra/mailer';
import { parseAllowedCidrs } from './domain/webhooks/target';
import { createWebhookClient, type PostWebhook, type Transport } from './infra/webhook-client';
import { systemResolver, type Resolve, type WebhookTargetGuard } from './infra/webhook-target';
import { migrateNotificationTables } from './migrations';
import { inboxProjection } from './projections/inbox';
import { deliveriesProjection, subscriptionsProjection } from './projections/webhooks';

const CONSUMED = [Topics.orders, Topics.escrow, Topics.disputes, Topics.buyers] as const;

export interface NotificationServiceOptions {
  /** Where SMTP_URL and friends are read (default the runtime's config); tests pass their own. */
  env?: Record<string, string | undefined>;
  /** Replace the outbound channels (tests of failure modes). */
  mailer?: Mailer;
  post?: PostWebhook;
  /** How webhook hosts are resolved (default the system resolver); tests stub it, never asking DNS. */
  resolve?: Resolve;
  /** How a checked webhook POST is sent (default node:http/https); test stacks narrow it to loopback. */
  webhookTransport?: Transport;
}

/** The routes take their deps (context, handlers, webhook targets) straight from the wiring. */
interface Wiring extends RouteDeps {
  mailer: Mailer;
  post: PostWebhook;
}

const wire = (ctx: ServiceContext, o: NotificationServiceOptions): Wiring => {
  const config = loadNotificationConfig(o.env ?? ctx.config);
  const mailer = o.mailer ?? createMailer(config, ctx.config.DATA_DIR);
  const webhookTargets: WebhookTargetGuard = {
    allowed: parseAllowedCidrs(config.WEBHOOK_ALLOWED_CIDRS),
    resolve: o.resolve ?? systemResolver,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
  };
  return {
    ctx,
    h: createHandlers(ctx),
    mailer,
    post: o.post ?? createWebhookClient(config.WEBHOOK_TIMEOUT_MS, webhookTargets, o.webhookTransport),
    webhookTargets,
  };
};

export const createNotificationService = (o: NotificationServiceOptions = {}): ServiceModule =>
  defineService<Wiring>({
    name: 'notification',
    registry: notificationRegistry(),
    publishes: notificationPublicEvents,
    // One application layer per running service: routes, consumers and scheduler share it.
    wire: (ctx) => wire(ctx, o),
    // One plugin per resource (API.md "Notification service").
    routes: async (app, w) => {
      await app.register(inboxRoutes(w));
      await app.register(recipientRoutes(w));
      await app.register(webhookRoutes(w));
    },
    consumers: {
      topics: CONSUMED,
      handlers: (w, ctx) => handleEveryEventOf(CONSUMED, onPublicEvent(ctx, w.h)),
    },
    deadlines: (w, ctx) => fireDeadline(ctx, w.h, w),
    // The SMTP transport's connections close after HTTP (a request in flight may still send).
    background: (w) => [{ name: 'mailer', stop: () => w.mailer.close() }],
    projections: (ctx) => [inboxProjection(ctx.schema), subscriptionsProjection(ctx.schema), deliveriesProjection(ctx.schema)],
    // Every table, read models and parked events alike, as versioned migrations.
    migrations: (ctx) => migrateNotificationTables(ctx.pool, ctx.schema),
  });

export const notificationService: ServiceModule = createNotificationService();
