import { consumedMetadata } from '@bp/eventstore';
import type { IncomingEvent } from '@bp/messaging';
import type { ServiceContext } from '@bp/runtime';
import type { PoolClient } from 'pg';
import { factsGate, orderIdOf } from '../domain/routing/awaits-facts';
import { stepsOf, type NotificationStep } from '../domain/sagas/steps-from-public-events';
import { activeSubscriptionsFor } from '../projections/webhooks';
import type { Handlers, Run } from './handlers';
import { lockOrder, park, unpark } from './parking';
import { requestNotice } from './request-notice';
import { Streams } from './streams';

/** Runs one step of domain/sagas/steps-from-public-events. */
const runStep = async (h: Handlers, run: Run, e: IncomingEvent, step: NotificationStep): Promise<void> => {
  switch (step.kind) {
    case 'facts':
      return void (await h.facts(step.command, run));
    case 'reminders':
      return void (await h.reminders({ stream: Streams.reminders(step.orderId), command: step.command }, run));
    case 'notice':
      return requestNotice(h, run, step.draft, e.id);
    case 'delivery':
      return void (await h.deliveries(step.command, run));
    default: {
      const unknown: never = step;
      throw new Error(`unknown step ${JSON.stringify(unknown)}`);
    }
  }
};

/** One event's effects (the saga's steps), once the order's facts are known when the event needs them. */
const applyEvent = async (ctx: ServiceContext, h: Handlers, tx: PoolClient, e: IncomingEvent, orderId: string | null): Promise<void> => {
  const run: Run = { tx, metadata: consumedMetadata(e) };
  const known = { facts: orderId ? await h.loadFacts(orderId, tx) : null, subscriptions: await activeSubscriptionsFor(tx, ctx.schema, e.ceType) };
  for (const step of stepsOf(e, known)) await runStep(h, run, e, step);
};

/**
 * Every consumed public event, in the consumer's inbox transaction. An event that needs its order's
 * facts before OrderPlaced was seen is parked (factsGate, app/parking); OrderPlaced, once applied,
 * replays that order's parked events in this same transaction, oldest first.
 */
export const onPublicEvent =
  (ctx: ServiceContext, h: Handlers) =>
  async (tx: PoolClient, e: IncomingEvent): Promise<void> => {
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
