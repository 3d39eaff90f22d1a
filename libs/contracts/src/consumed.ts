import { systemActor, type Actor } from './actor';
import { DomainError } from './errors';

/**
 * A consumed event as a saga sees it: what every consumer gets from the topic (CloudEvents id, type,
 * time and source) and its data. The messaging lib's IncomingEvent is one; so is the simulation's.
 */
export interface ConsumedEvent<T = unknown> {
  id: string;
  type: string;
  data: T;
  /** ce_time: when the event happened at its producer. */
  time: string;
  /** ce_source: the producer, e.g. `/services/order`. */
  source: string;
}

/** The `meta` a consumed event's effects carry. */
export interface ConsumedMeta {
  now: string;
  actor: Actor;
}

/**
 * The one rule for every consumer: an effect of a consumed event happened at the event's own time and
 * was done by the event's producer, never at the consumer's clock or by a constant actor. So a
 * consumer that lags, restarts or replays a parked event decides exactly what an instant one would
 * have decided (deadlines computed from `now` included), and the log says who caused what.
 * An event without a readable time or producer breaks the contract: refused (not retried).
 */
export const consumedMeta = (e: Pick<ConsumedEvent, 'id' | 'time' | 'source'>): ConsumedMeta => {
  const t = Date.parse(e.time);
  if (Number.isNaN(t)) throw new DomainError('CONSUMED_EVENT_TIME_UNREADABLE', `consumed event ${e.id} has no readable ce_time`, 'validation');
  if (!e.source) throw new DomainError('CONSUMED_EVENT_SOURCE_MISSING', `consumed event ${e.id} names no producer (ce_source)`, 'validation');
  return { now: new Date(t).toISOString(), actor: systemActor(e.source) };
};

/** A saga: per consumed event type, what that event causes (null: nothing). Pure, in a service's domain. */
export type Saga<C> = Readonly<Record<string, (e: ConsumedEvent<never>) => C | null>>;

/** What `saga` makes of `e`, by its type; null for a type the saga does not handle. */
export const sagaStep = <C>(saga: Saga<C>, e: ConsumedEvent): C | null => {
  const step = Object.hasOwn(saga, e.type) ? saga[e.type] : undefined;
  return step ? step(e as ConsumedEvent<never>) : null;
};
