import { reminderEffects } from '../reminders/reminders';
import { routes } from './route';

/** The event that brings an order's facts (buyer, seller, currency): it never waits for them. */
export const ORDER_PLACED = 'marketplace.order.placed.v1';

/**
 * THE rule of when an event must wait for its order's facts: when routing addresses a notice to
 * the order's parties, or when it arms or disarms one of the order's reminders (a reminder armed
 * without facts would fire with nobody to address). Everything else (webhook fan-out alone, types
 * nobody is told about) needs no facts and is applied at once.
 *
 * Why waiting is normal: the topics are consumed independently, so an escrow.v1 or disputes.v1
 * event about an order can arrive before that order's OrderPlaced on orders.v1 (minutes, under load).
 */
export const needsOrderFacts = (ceType: string): boolean => ceType !== ORDER_PLACED && (ceType in routes || ceType in reminderEffects);

/** The order an event is about, or null (buyers.v1 is keyed by buyer). */
export const orderIdOf = (data: unknown): string | null => {
  const orderId = typeof data === 'object' && data !== null ? (data as { orderId?: unknown }).orderId : undefined;
  return typeof orderId === 'string' && orderId !== '' ? orderId : null;
};

/** What to do with an event now: apply it, or park it until its order's facts are recorded. */
export const factsGate = (ceType: string, orderId: string | null, factsKnown: boolean): 'apply' | 'park' =>
  orderId !== null && !factsKnown && needsOrderFacts(ceType) ? 'park' : 'apply';
