import type { EventStore, PrefetchRead } from '@bp/eventstore';
import { escrowRead } from '../projections/escrows';
import { escrowStream } from './streams';

/**
 * What POST /payments reads first, sent with its Idempotency-Key claim (issue 18 item 2): the
 * order's escrow row (who may pay, how much), then the stream RequestPayment decides on.
 */
export const paymentReads =
  (store: EventStore) =>
  (orderId: string): PrefetchRead[] => [escrowRead(store.schema, orderId), store.streamRead(escrowStream(orderId))];
