// The order service as the runtime runs it (libs/runtime): its log's event types, what it publishes,
// what it consumes, its read models, routes and deadline firing. Everything else (HTTP kit, relay,
// consumer group, scheduler, clock, shutdown) is the runtime's.
import { EventRegistry, Topics, buyerPublicEvents, orderPublicEvents } from '@bp/contracts';
import type { ServiceContext, ServiceModule } from '@bp/runtime';
import { buyerLevelPrivateEvents } from './domain/buyer-level';
import { orderPrivateEvents } from './domain/order';
import { timelinePrivateEvents } from './domain/timeline';
import { fireOrderDeadline } from './app/fire-deadline';
import { createOrderApp, type OrderApp } from './app/order-app';
import { disputeHandlers } from './consumers/disputes';
import { escrowHandlers } from './consumers/escrow';
import { registerRoutes } from './http';
import { migrateOrderTables } from './migrations';
import { ordersListProjection } from './projections';

// One application layer per running service (routes, consumers and scheduler share it).
const apps = new WeakMap<ServiceContext, OrderApp>();
const appOf = (ctx: ServiceContext): OrderApp => {
  let app = apps.get(ctx);
  if (!app) apps.set(ctx, (app = createOrderApp(ctx)));
  return app;
};

export const orderService: ServiceModule = {
  name: 'order',
  registry: new EventRegistry([...orderPublicEvents, ...orderPrivateEvents, ...buyerPublicEvents, ...buyerLevelPrivateEvents, ...timelinePrivateEvents]),
  publishes: [...orderPublicEvents, ...buyerPublicEvents],
  consumes: {
    topics: [Topics.escrow, Topics.disputes],
    handlers: (ctx) => ({ ...escrowHandlers(ctx, appOf(ctx)), ...disputeHandlers(ctx, appOf(ctx)) }),
  },
  projections: (ctx) => [ordersListProjection(ctx.schema)],
  migrate: (ctx) => migrateOrderTables(ctx.pool, ctx.schema),
  routes: (app, ctx) => registerRoutes(app, { ctx, app: appOf(ctx) }),
  fireDeadline: (ctx) => fireOrderDeadline(appOf(ctx)),
};
