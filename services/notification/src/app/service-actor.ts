import { systemActor } from '@bp/contracts';

/** Who the notification service's own commands (timers, delivery steps) run as: one id, so logs and metadata agree. */
export const serviceActor = systemActor('notification-service');
