// Every public event of a consumed topic: first its record in the order's timeline
// (domain/sagas/timeline-from-upstream), then the order command its saga makes of it (if any), in
// the same inbox transaction: both commit or neither does (an order not yet known rolls the record
// back with the retry), and the timeline lists the upstream fact before the order event it caused.
import { sagaStep, type EventDefinition, type Saga } from '@bp/contracts';
import { consumedMetadata } from '@bp/eventstore';
import type { EventHandler, Handlers } from '@bp/messaging';
import type { ServiceContext } from '@bp/runtime';
import type { OrderApp } from '../app/order-app';
import type { OrderCommand } from '../domain/order';
import { timelineRecordOf } from '../domain/sagas/timeline-from-upstream';
import { issueFrom } from './issue';

/** A handler for every event of `defs`: the timeline record, then what `saga` makes of the event. */
export const upstreamHandlers = (ctx: ServiceContext, app: OrderApp, defs: readonly EventDefinition[], saga: Saga<OrderCommand>): Handlers => {
  const unknown = Object.keys(saga).filter((t) => !defs.some((d) => d.type === t));
  if (unknown.length) throw new Error(`saga steps for events outside the consumed topic: ${unknown.join(', ')}`);
  const issue = issueFrom(ctx, app);
  const handle: EventHandler = async (tx, e) => {
    const record = timelineRecordOf(e);
    if (record) await app.observe(record, { tx, metadata: consumedMetadata(e) });
    const command = sagaStep(saga, e);
    if (command) await issue(tx, e, command);
  };
  return Object.fromEntries(defs.map((d) => [d.type, handle]));
};
