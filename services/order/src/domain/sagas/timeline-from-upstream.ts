// Every public escrow.v1 / disputes.v1 event about an order -> a record in the order's timeline
// (domain/timeline), also those the order lifecycle ignores (PaymentFailed, FundsReleased, ...).
import { consumedMeta, Topics, type ConsumedEvent } from '@bp/contracts';
import type { RecordUpstreamEvent, UpstreamService } from '../timeline';

const SERVICE_OF_TOPIC: Readonly<Record<string, UpstreamService>> = { [Topics.escrow]: 'escrow', [Topics.disputes]: 'dispute' };

/** What the consumer knows of an upstream event beyond type, data, time and producer. */
export interface UpstreamEvent extends ConsumedEvent {
  ceType: string;
  topic: string;
  correlationId: string | null;
  causationId: string | null;
}

/** The timeline record of an upstream event; null when it is not about an order or not from escrow or dispute. */
export const timelineRecordOf = (e: UpstreamEvent): RecordUpstreamEvent | null => {
  const source = SERVICE_OF_TOPIC[e.topic];
  const data = e.data as Record<string, unknown>;
  if (!source || typeof data.orderId !== 'string') return null;
  const meta = consumedMeta(e);
  return {
    type: 'RecordUpstreamEvent',
    data: {
      orderId: data.orderId,
      source,
      type: e.type,
      ceType: e.ceType,
      eventId: e.id,
      occurredAt: meta.now,
      correlationId: e.correlationId,
      causationId: e.causationId,
      data,
    },
    meta,
  };
};
