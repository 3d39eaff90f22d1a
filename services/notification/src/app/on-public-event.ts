import { systemActor } from '@bp/contracts';
import type { IncomingEvent } from '@bp/messaging';
import type { ServiceContext } from '@bp/runtime';
import type { PoolClient } from 'pg';
import { reminderEffects } from '../domain/reminders/reminders';
import { factsGate, orderIdOf } from '../domain/routing/awaits-facts';
import { orderFactsFrom } from '../domain/routing/order-facts';
import { route } from '../domain/routing/route';
import { activeSubscriptionsFor } from '../projections/webhooks';
import type { Handlers, Run } from './handlers';
import { deliveryIdOf } from './ids';
import { lockOrder, park, unpark } from './parking';
import { requestNotice } from './request-notice';
import { Streams } from './streams';

const actor = systemActor('notification-service');

/** The CloudEvent as partners receive it over HTTP (structured mode: attributes and data in one JSON). */
export const cloudEventJson = (e: IncomingEvent): string =>
  JSON.stringify({ specversion: '1.0', id: e.id, type: e.ceType, source: e.source, subject: e.subject, time: e.time, datacontenttype: 'application/json', data: e.data });

/**
 * One event's effects: (1) OrderPlaced becomes this service's order facts, (2) the order's reminder
 * tracker observes it, (3) routing turns it into notices, (4) each active webhook subscription for
 * its type gets a delivery. Only called once the order's facts are known when the event needs them.
 */
const applyEvent = async (ctx: ServiceContext, h: Handlers, tx: PoolClient, e: IncomingEvent, orderId: string | null): Promise<void> => {
  const data = e.data as Record<string, unknown>;
  const run: Run = { tx, metadata: { correlationId: e.correlationId ?? e.id, causationId: e.id, actor, now: ctx.clock.now().toISOString() } };
  const meta = { now: run.metadata.now, actor };

  if (e.type === 'OrderPlaced') {
    await h.facts({ type: 'RecordOrderFacts', data: orderFactsFrom(data as Parameters<typeof orderFactsFrom>[0]) }, run);
  }
  if (orderId && reminderEffects[e.ceType]) {
    await h.reminders({ stream: Streams.reminders(orderId), command: { type: 'ObserveEvent', data: { orderId, ceType: e.ceType, data }, meta } }, run);
  }
  const facts = orderId ? await h.loadFacts(orderId, tx) : null;
  for (const draft of route(e.ceType, data, facts ?? undefined)) await requestNotice(h, run, draft, e.id, actor);

  const body = cloudEventJson(e);
  for (const subscriptionId of await activeSubscriptionsFor(tx, ctx.schema, e.ceType)) {
    const deliveryId = deliveryIdOf(e.id, subscriptionId);
    await h.deliveries({ type: 'ScheduleDelivery', data: { deliveryId, subscriptionId, eventId: e.id, ceType: e.ceType, body }, meta }, run);
  }
};

/**
 * Every consumed public event, in the consumer's inbox transaction. An event that needs its order's
 * facts before OrderPlaced was seen is parked (factsGate, app/parking); OrderPlaced, once applied,
 * replays that order's parked events in this same transaction, oldest first.
 */
export const onPublicEvent = (ctx: ServiceContext, h: Handlers) => async (tx: PoolClient, e: IncomingEvent): Promise<void> => {
  const orderId = orderIdOf(e.data);
  const known = async (id: string) => (await h.loadFacts(id, tx)) !== null;

  if (orderId && factsGate(e.ceType, orderId, await known(orderId)) === 'park') {
    // Re-checked under the order's lock: a concurrent OrderPlaced either committed (facts now seen)
    // or will replay this row after we commit.
    await lockOrder(tx, ctx.schema, orderId);
    if (factsGate(e.ceType, orderId, await known(orderId)) === 'park') {
      await park(tx, ctx.schema, orderId, e, ctx.clock.now().toISOString());
      ctx.logger.info({ eventId: e.id, ceType: e.ceType, orderId }, 'event parked until its OrderPlaced');
      return;
    }
  }

  await applyEvent(ctx, h, tx, e, orderId);

  if (e.type === 'OrderPlaced' && orderId) {
    await lockOrder(tx, ctx.schema, orderId);
    for (const parked of await unpark(tx, ctx.schema, orderId)) await applyEvent(ctx, h, tx, parked, orderId);
  }
};
