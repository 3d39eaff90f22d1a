// The command handlers of the service's aggregates, each wired to the log, its inline projections
// and its deadline rows, so a command, its read models and its timers commit in ONE transaction.
import { commandHandler, inlineProjections, loadAggregate, type AppendMetadata, type DomainEvent } from '@bp/eventstore';
import type { ServiceContext } from '@bp/runtime';
import { deadlineSync } from '@bp/timers';
import type { PoolClient } from 'pg';
import { emailRetryOf, noticeDecider, noticeDeadlines } from '../domain/notices/lifecycle';
import { decideRecipient, evolveRecipient, initialRecipientState, type RecipientCommand, type RecipientState } from '../domain/recipients/recipient';
import {
  decideReminders,
  evolveReminders,
  initialReminderState,
  reminderDeadlines,
  type ReminderCommand,
  type ReminderEvent,
} from '../domain/reminders/reminders';
import { orderFactsDecider, type OrderFactsState } from '../domain/routing/order-facts';
import { decideDelivery, deliveryDeadlines, evolveDelivery, initialDeliveryState, type DeliveryCommand, type DeliveryState } from '../domain/webhooks/delivery';
import {
  decideSubscription,
  evolveSubscription,
  initialSubscriptionState,
  type SubscriptionCommand,
  type SubscriptionState,
} from '../domain/webhooks/subscription';
import { inboxProjection } from '../projections/inbox';
import { deliveriesProjection, subscriptionsProjection } from '../projections/webhooks';
import { Streams } from './streams';

/** A command addressed to its stream (FireDeadline carries no id, the deadline row knows the stream). */
export interface Addressed<C> {
  stream: string;
  command: C;
}
const addressed = <C, E extends DomainEvent, S>(d: { decide: (c: C, s: S) => E[]; evolve: (s: S, e: E) => S; initialState: S }) => ({
  decide: (a: Addressed<C>, s: S) => d.decide(a.command, s),
  evolve: d.evolve,
  initialState: d.initialState,
});

export interface Run {
  tx: PoolClient;
  metadata: AppendMetadata;
}

export const createHandlers = (ctx: ServiceContext) => {
  const { store, schema, policy } = ctx;
  const reminderDecider = addressed<ReminderCommand, ReminderEvent, typeof initialReminderState>({
    decide: (c, s) => decideReminders(c, s, policy),
    evolve: evolveReminders,
    initialState: initialReminderState,
  });
  const recipientDecider = { decide: decideRecipient, evolve: evolveRecipient, initialState: initialRecipientState };
  const subscriptionDecider = { decide: decideSubscription, evolve: evolveSubscription, initialState: initialSubscriptionState as SubscriptionState };
  const deliveryDecider = {
    decide: (c: DeliveryCommand, s: DeliveryState) => decideDelivery(c, s, policy.notifications),
    evolve: evolveDelivery,
    initialState: initialDeliveryState as DeliveryState,
  };

  const emailRetry = emailRetryOf(policy.notifications);
  return {
    emailRetry,
    facts: commandHandler({ store, decider: orderFactsDecider, streamId: (c) => Streams.facts(c.data.orderId) }),
    reminders: commandHandler({ store, decider: reminderDecider, streamId: (a) => a.stream, hooks: [deadlineSync(schema, reminderDeadlines)] }),
    notices: commandHandler({
      store,
      decider: noticeDecider,
      streamId: (c) => Streams.notice(c.data.noticeId),
      hooks: [deadlineSync(schema, noticeDeadlines(emailRetry)), inlineProjections([inboxProjection(schema)])],
    }),
    recipients: commandHandler<RecipientCommand, Parameters<typeof evolveRecipient>[1], RecipientState>({
      store,
      decider: recipientDecider,
      streamId: (c) => Streams.recipient(c.data.userId),
    }),
    subscriptions: commandHandler<SubscriptionCommand, Parameters<typeof evolveSubscription>[1], SubscriptionState>({
      store,
      decider: subscriptionDecider,
      streamId: (c) => Streams.subscription(c.data.subscriptionId),
      hooks: [inlineProjections([subscriptionsProjection(schema)])],
    }),
    deliveries: commandHandler<DeliveryCommand, Parameters<typeof evolveDelivery>[1], DeliveryState>({
      store,
      decider: deliveryDecider,
      streamId: (c) => Streams.delivery(c.data.deliveryId),
      hooks: [deadlineSync(schema, deliveryDeadlines), inlineProjections([deliveriesProjection(schema)])],
    }),

    loadFacts: async (orderId: string, tx?: PoolClient): Promise<OrderFactsState> =>
      (await loadAggregate(store, orderFactsDecider, Streams.facts(orderId), tx)).state,
    loadRecipient: async (userId: string, tx?: PoolClient) => loadAggregate(store, recipientDecider, Streams.recipient(userId), tx),
    loadNotice: async (noticeId: string, tx?: PoolClient) => loadAggregate(store, noticeDecider, Streams.notice(noticeId), tx),
    loadSubscription: async (id: string, tx?: PoolClient) => loadAggregate(store, subscriptionDecider, Streams.subscription(id), tx),
    loadDelivery: async (id: string, tx?: PoolClient) => loadAggregate(store, deliveryDecider, Streams.delivery(id), tx),
  };
};

export type Handlers = ReturnType<typeof createHandlers>;
