import { z } from 'zod';
import { defineEvent } from '../registry';
import { Topics } from '../topics';

// Public events on notifications.v1 (key orderId; '' for account notices such as buyer levels).

export const NoticeSentData = z.object({
  noticeId: z.string(),
  orderId: z.string(),
  recipientId: z.string(),
  kind: z.string(),
  channel: z.enum(['in_app', 'email']),
  deadline: z.iso.datetime().optional(),
  sentAt: z.iso.datetime(),
});

export const NoticeSent = defineEvent({
  type: 'NoticeSent',
  version: 1,
  schema: NoticeSentData,
  topic: Topics.notifications,
  ceType: 'marketplace.notification.sent.v1',
  key: (d) => d.orderId,
  description: 'A notice reached a recipient on a channel (in-app or e-mail).',
});

export const notificationPublicEvents = [NoticeSent] as const;
