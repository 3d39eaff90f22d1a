import type { EventStore, PrefetchRead } from '@bp/eventstore';
import { buyerLevelStreamId, disputeStreamId, orderFactsStreamId } from '../domain';

/**
 * The streams a dispute request reads first, sent with its Idempotency-Key claim (issue 18 item 2):
 * what openDispute folds (the order, the opener's level) and what an action decides on (its dispute).
 */
export const disputeReads = (store: EventStore) => ({
  open: (actorId: string, orderId: string): PrefetchRead[] => [store.streamRead(orderFactsStreamId(orderId)), store.streamRead(buyerLevelStreamId(actorId))],
  action: (disputeId: string): PrefetchRead[] => [store.streamRead(disputeStreamId(disputeId))],
});

export type DisputeReads = ReturnType<typeof disputeReads>;
