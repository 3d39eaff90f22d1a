import type { ServiceApp } from '@bp/http';
import type { RouteDeps } from './context';
import { inboxRoutes } from './inbox';
import { recipientRoutes } from './recipients';
import { webhookRoutes } from './webhooks';

/** Every route plugin of the notification service, one per resource (API.md "Notification service"). */
export const registerRoutes = async (app: ServiceApp, deps: RouteDeps): Promise<void> => {
  for (const plugin of [inboxRoutes, recipientRoutes, webhookRoutes]) await app.register(plugin(deps));
};
