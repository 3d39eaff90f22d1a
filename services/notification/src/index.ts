export { notificationService, createNotificationService, type NotificationServiceOptions } from './service';
export { notificationRegistry } from './app/events';
export type { Transport as WebhookTransport } from './infra/webhook-client';
export type { Resolve as WebhookResolve } from './infra/webhook-target';
