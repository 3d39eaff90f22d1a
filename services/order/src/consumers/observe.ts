// Every public event of a consumed topic that concerns an order goes into the order's timeline
// stream (domain/timeline) BEFORE the lifecycle handler (if any) runs, in the same inbox
// transaction: both commit or neither does (an order not yet known rolls the record back with the
// retry), and the timeline lists the upstream fact before the order event it caused. Events the
// lifecycle ignores (PaymentFailed, FundsReleased, DisputeEscalated, ...) are recorded too.
import { Topics, systemActor, type EventDefinition } from '@bp/contracts';
import type { EventHandler, Handlers, IncomingEvent } from '@bp/messaging';
import type { ServiceContext } from '@bp/runtime';
import type { PoolClient } from 'pg';
import type { OrderApp } from '../app/order-app';
import type { UpstreamService } from '../domain/timeline';

const SERVICE_OF_TOPIC: Readonly<Record<string, UpstreamService>> = { [Topics.escrow]: 'escrow', [Topics.disputes]: 'dispute' };

/** ce_time as ISO UTC; our clock when the producer left it out or unreadable. */
const isoOr = (time: string, now: string): string => {
  const t = Date.parse(time);
  return Number.isNaN(t) ? now : new Date(t).toISOString();
};

export const observeFrom = (ctx: ServiceContext, app: OrderApp) => async (tx: PoolClient, event: IncomingEvent): Promise<void> => {
  const source = SERVICE_OF_TOPIC[event.topic];
  const data = event.data as Record<string, unknown>;
  if (!source || typeof data.orderId !== 'string') return; // not about an order of ours
  const now = ctx.clock.now().toISOString();
  const actor = systemActor(event.source || source);
  await app.observe(
    {
      type: 'RecordUpstreamEvent',
      data: {
        orderId: data.orderId,
        source,
        type: event.type,
        ceType: event.ceType,
        eventId: event.id,
        occurredAt: isoOr(event.time, now),
        correlationId: event.correlationId,
        causationId: event.causationId,
        data,
      },
      meta: { now, actor },
    },
    { tx, metadata: { correlationId: event.correlationId ?? event.id, causationId: event.id, actor, now } },
  );
};

/** A handler for every event of `defs`: record it in the order's timeline, then run `lifecycle[type]`. */
export const observing = (ctx: ServiceContext, app: OrderApp, defs: readonly EventDefinition[], lifecycle: Handlers): Handlers => {
  const observe = observeFrom(ctx, app);
  const unknown = Object.keys(lifecycle).filter((t) => !defs.some((d) => d.type === t));
  if (unknown.length) throw new Error(`lifecycle handlers for events outside the observed topic: ${unknown.join(', ')}`);
  return Object.fromEntries(
    defs.map((d): [string, EventHandler] => [
      d.type,
      async (tx, e) => {
        await observe(tx, e);
        await lifecycle[d.type]?.(tx, e);
      },
    ]),
  );
};
