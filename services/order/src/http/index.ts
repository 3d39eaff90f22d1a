import type { ServiceApp } from '@bp/http';
import type { RouteDeps } from './context';
import { buyerRoutes } from './buyers';
import { extensionRoutes } from './extensions';
import { lifecycleRoutes } from './order-lifecycle';
import { orderRoutes } from './orders';
import { reviewRoutes } from './reviews';
import { timelineRoutes } from './timeline';

/** Every route plugin of the order service, one per resource (API.md "Order service"). */
export const registerRoutes = async (app: ServiceApp, deps: RouteDeps): Promise<void> => {
  for (const plugin of [orderRoutes, lifecycleRoutes, extensionRoutes, reviewRoutes, timelineRoutes, buyerRoutes]) await app.register(plugin(deps));
};
