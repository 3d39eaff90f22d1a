// S3, read-your-writes for storefronts: POST /disputes right after the order service answered (the
// order placed, shipped, or its delivery reported) may reach this service before its consumer recorded
// that fact. A refusal such a fact would lift is not given at once: the opening waits, server-side
// and bounded, for the next fact recorded about the order (woken by the NOTIFY of the transaction
// that appended it to the order-facts stream) and tries again.
import { isDomainError, type Actor, type DomainError } from '@bp/contracts';
import type { AppendHook } from '@bp/eventstore';
import { announceArrival, arrivalChannel, type Arrivals } from '@bp/http';
import type { OpenDisputeBody, OrderFactsState } from '../domain';

/**
 * Refusals of an opening that a fact still on its way from orders.v1 could lift: `unknown` (no
 * OrderPlaced recorded yet) waits policy api.readYourWritesWait, `stale` (a known order, its
 * OrderShipped or OrderDelivered perhaps in flight) api.staleFactsWait.
 */
export const LIFTED_BY_ORDER_FACTS: Readonly<Record<string, 'unknown' | 'stale'>> = {
  ORDER_NOT_FOUND: 'unknown',
  ORDER_NOT_SHIPPED: 'stale',
  DISPUTE_TOO_EARLY: 'stale',
};

export const isLiftedByOrderFacts = (e: unknown): e is DomainError => isDomainError(e) && Object.hasOwn(LIFTED_BY_ORDER_FACTS, e.code);

/** The recorded facts that lift those refusals (placed: ORDER_NOT_FOUND, shipped, delivered: D1). */
const LIFTING_FACTS = new Set(['OrderPlacedRecorded', 'OrderShippedRecorded', 'OrderDeliveredRecorded']);

/**
 * Order-facts append hook: an append recording a lifting fact wakes the openings waiting for this
 * order once it commits. Other appends send nothing (a NOTIFY serializes commits that send one).
 */
export const announceOrderFacts = (schema: string): AppendHook<OrderFactsState> => {
  const channel = arrivalChannel(schema);
  return async (tx, { state, events }) => {
    if (channel && state.status !== 'unknown' && events.some((e) => LIFTING_FACTS.has(e.type))) await announceArrival(tx, channel, state.orderId);
  };
};

/** The opening (open-dispute.ts), whatever it answers. */
type Open<R> = (actor: Actor, disputeId: string, body: OpenDisputeBody, now: string) => Promise<R>;

/**
 * The opening, tried again each time a fact about its order is recorded while it is refused for a
 * reason such a fact lifts, until the bound of that reason. Still refused: that refusal (the route
 * answers it with Retry-After, so an Idempotency-Key does not keep it).
 */
export const openWhenKnown =
  <R>(open: Open<R>, arrivals: Arrivals, waitMs: { unknown: number; stale: number }): Open<R> =>
  async (actor, disputeId, body, now) => {
    let refusal: DomainError | undefined;
    const attempt = async () => {
      try {
        return await open(actor, disputeId, body, now);
      } catch (e) {
        if (!isLiftedByOrderFacts(e)) throw e;
        refusal = e;
        return undefined;
      }
    };
    const opened = (await attempt()) ?? (await arrivals.until(body.orderId, attempt, waitMs[LIFTED_BY_ORDER_FACTS[refusal!.code]!]));
    if (opened) return opened;
    throw refusal!;
  };
