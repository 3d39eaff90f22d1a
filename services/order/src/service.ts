// The order service as the runtime runs it (libs/runtime): its log's event types, what it publishes,
// what it consumes, its read models, routes and deadline firing. Everything else (HTTP kit, relay,
// consumer group, scheduler, clock, shutdown) is the runtime's.
import { EventRegistry, Topics, buyerPublicEvents, orderPublicEvents } from '@bp/contracts';
import { defineService, type ServiceModule } from '@bp/runtime';
import { buyerLevelPrivateEvents } from './domain/buyer-level';
import { orderPrivateEvents } from './domain/order';
import { timelinePrivateEvents } from './domain/timeline';
import { fireOrderDeadline } from './app/fire-deadline';
import { createOrderApp, type OrderApp } from './app/order-app';
import { disputeHandlers } from './consumers/disputes';
import { escrowHandlers } from './consumers/escrow';
import { buyerRoutes } from './http/buyers';
import { extensionRoutes } from './http/extensions';
import { lifecycleRoutes } from './http/order-lifecycle';
import { orderRoutes } from './http/orders';
import { reviewRoutes } from './http/reviews';
import { timelineRoutes } from './http/timeline';
import { migrateOrderTables } from './migrations';
import { ordersListProjection } from './projections';

export const orderService: ServiceModule = defineService<OrderApp>({
  name: 'order',
  registry: new EventRegistry([...orderPublicEvents, ...orderPrivateEvents, ...buyerPublicEvents, ...buyerLevelPrivateEvents, ...timelinePrivateEvents]),
  publishes: [...orderPublicEvents, ...buyerPublicEvents],
  // One application layer per running service: routes, consumers and scheduler share it.
  wire: (ctx) => createOrderApp(ctx),
  // One plugin per resource (API.md "Order service").
  routes: async (app, orders, ctx) => {
    await app.register(orderRoutes({ ctx, app: orders }));
    await app.register(lifecycleRoutes({ ctx, app: orders }));
    await app.register(extensionRoutes({ ctx, app: orders }));
    await app.register(reviewRoutes({ ctx, app: orders }));
    await app.register(timelineRoutes({ ctx, app: orders }));
    await app.register(buyerRoutes({ ctx, app: orders }));
  },
  consumers: {
    topics: [Topics.escrow, Topics.disputes],
    handlers: (orders, ctx) => ({ ...escrowHandlers(ctx, orders), ...disputeHandlers(ctx, orders) }),
  },
  deadlines: (orders) => fireOrderDeadline(orders),
  projections: (ctx) => [ordersListProjection(ctx.schema)],
  migrations: (ctx) => migrateOrderTables(ctx.pool, ctx.schema),
});
