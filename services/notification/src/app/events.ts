import { defineEvent, EventRegistry, Money, notificationPublicEvents } from '@bp/contracts';
import { z } from 'zod';
import { Locales } from '../domain/templates/catalog';
import { noticeKinds } from '../domain/notices/kinds';
import { ReminderKinds } from '../domain/reminders/reminders';

/**
 * The private events of the notification service's log (no topic: the relay never publishes them).
 * The registry validates every append and every read against these, so they list every field.
 */
const Iso = z.iso.datetime();
const Id = z.string().min(1);
const Channel = z.enum(['in_app', 'email']);
const Party = z.enum(['buyer', 'seller', 'agents']);
const Kind = z.enum(noticeKinds as [string, ...string[]]);
const TemplateValue = z.union([z.string(), z.number(), Money]);
const priv = <S extends z.ZodType>(type: string, schema: S, description: string) => defineEvent({ type, version: 1, schema, description });

export const OrderFactsRecorded = priv(
  'OrderFactsRecorded',
  z.object({ orderId: Id, buyerId: Id, sellerId: Id, currency: z.string(), paymentDueAt: Iso.optional() }),
  'Who the parties of an order are (and its payment deadline), learnt from OrderPlaced.',
);

const reminder = { orderId: Id, reminder: z.enum(ReminderKinds) };
export const ReminderArmed = priv('ReminderArmed', z.object({ ...reminder, at: Iso, deadline: Iso, to: Party }), 'A reminder is due at `at` (N2).');
export const ReminderDisarmed = priv('ReminderDisarmed', z.object(reminder), 'The reason for a reminder went away.');
export const ReminderSent = priv('ReminderSent', z.object({ ...reminder, deadline: Iso, to: Party }), 'A reminder came due and becomes a notice.');

export const NoticeRequested = priv(
  'NoticeRequested',
  z.object({
    noticeId: Id,
    sourceEventId: Id,
    channels: z.array(Channel),
    kind: Kind,
    recipientId: Id,
    orderId: z.string(),
    deadline: Iso.optional(),
    vars: z.record(z.string(), TemplateValue),
    requestedAt: Iso,
  }),
  'A notice to one recipient, on the channels chosen at request time (N1, N4).',
);
export const NoticeDelivered = priv('NoticeDelivered', z.object({ noticeId: Id, channel: Channel, deliveredAt: Iso }), 'A notice reached a channel.');
export const NoticeDeliveryFailed = priv(
  'NoticeDeliveryFailed',
  z.object({ noticeId: Id, channel: Channel, error: z.string(), failedAt: Iso, final: z.boolean().optional() }),
  'A delivery attempt failed (retried with backoff unless final).',
);
export const NoticeRead = priv('NoticeRead', z.object({ noticeId: Id, readAt: Iso }), 'The recipient read the notice in the message center.');

export const RecipientUpdated = priv(
  'RecipientUpdated',
  z.object({ userId: Id, email: z.string().nullable(), locale: z.enum(Locales), emailOptOut: z.array(z.string()) }),
  "A user's notification preferences (N3, N4).",
);

const sub = { subscriptionId: Id };
export const WebhookSubscribed = priv(
  'WebhookSubscribed',
  z.object({ ...sub, partnerId: Id, url: z.string(), eventTypes: z.array(z.string()), secret: z.string(), at: Iso }),
  "A partner's webhook subscription.",
);
export const WebhookUnsubscribed = priv('WebhookUnsubscribed', z.object({ ...sub, at: Iso }), 'The partner deleted the subscription.');
export const WebhookDeliveryOutcomeNoted = priv(
  'WebhookDeliveryOutcomeNoted',
  z.object({ ...sub, ok: z.boolean() }),
  'One delivery attempt succeeded or failed.',
);
export const WebhookPaused = priv('WebhookPaused', z.object({ ...sub, consecutiveFailures: z.number().int(), at: Iso }), 'Too many failures in a row.');

export const DeliveryScheduled = priv(
  'DeliveryScheduled',
  z.object({ deliveryId: Id, subscriptionId: Id, eventId: Id, ceType: z.string(), body: z.string(), at: Iso }),
  'An event is to be POSTed to a subscription.',
);
export const DeliveryAttempted = priv(
  'DeliveryAttempted',
  z.object({
    deliveryId: Id,
    attempt: z.number().int(),
    ok: z.boolean(),
    status: z.number().int().nullable(),
    error: z.string().nullable(),
    at: Iso,
    nextAttemptAt: Iso.nullable(),
  }),
  'One webhook POST and its outcome.',
);
export const DeliveryRequeued = priv('DeliveryRequeued', z.object({ deliveryId: Id, at: Iso }), 'The partner asked for a redelivery.');

export const notificationPrivateEvents = [
  OrderFactsRecorded,
  ReminderArmed,
  ReminderDisarmed,
  ReminderSent,
  NoticeRequested,
  NoticeDelivered,
  NoticeDeliveryFailed,
  NoticeRead,
  RecipientUpdated,
  WebhookSubscribed,
  WebhookUnsubscribed,
  WebhookDeliveryOutcomeNoted,
  WebhookPaused,
  DeliveryScheduled,
  DeliveryAttempted,
  DeliveryRequeued,
];

/** Every event type of the notification service's log: its private events and NoticeSent. */
export const notificationRegistry = (): EventRegistry => new EventRegistry([...notificationPrivateEvents, ...notificationPublicEvents]);
