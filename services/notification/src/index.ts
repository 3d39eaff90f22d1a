export { notificationService, createNotificationService, type NotificationServiceOptions } from './service';
export { notificationRegistry } from './app/events';
export * from './reference-receiver';
