// S3, O7: the protection-end handshake between the order and the dispute service (one event on each
// topic, key orderId). The order service never completes an order on its own clock alone: when
// protection runs out it publishes ProtectionEnded (an intent: nothing is released yet); the
// dispute service records it in its copy of the order (from then on it refuses to open a dispute,
// D1) and answers ProtectionEndAcknowledged with the dispute it has open on the order, if any. Only
// an acknowledgement naming no dispute completes the order (AUTO_CONFIRMED), so no money is released
// while a dispute is open or can still be opened, whatever the consumer lag.
import { z } from 'zod';
import { Topics } from '../topics';
import { defineEvent } from '../registry';

const Iso = z.iso.datetime();
const Id = z.string().min(1);
const byOrder = (d: { orderId: string }) => d.orderId;

export const ProtectionEndedData = z.object({
  orderId: Id,
  /** Counts the order's protection ends (1, 2, ...: a withdrawn dispute may end it again); the answer echoes it. */
  round: z.number().int().positive(),
  endedAt: Iso,
});
export type ProtectionEndedData = z.infer<typeof ProtectionEndedData>;

export const ProtectionEndAcknowledgedData = z.object({
  orderId: Id,
  round: z.number().int().positive(),
  /** The dispute open on the order when the end was recorded (null: none, and none can open any more). */
  openDisputeId: Id.nullable(),
  acknowledgedAt: Iso,
});
export type ProtectionEndAcknowledgedData = z.infer<typeof ProtectionEndAcknowledgedData>;

export const ProtectionEnded = defineEvent({
  type: 'ProtectionEnded',
  version: 1,
  schema: ProtectionEndedData,
  topic: Topics.orders,
  ceType: 'marketplace.order.protection-ended.v1',
  key: byOrder,
  description:
    'O7, S3: protection ran out with no dispute known to the order; it completes once the dispute service acknowledges (no money moves on this event).',
});
export const ProtectionEndAcknowledged = defineEvent({
  type: 'ProtectionEndAcknowledged',
  version: 1,
  schema: ProtectionEndAcknowledgedData,
  topic: Topics.disputes,
  ceType: 'marketplace.dispute.protection-end-acknowledged.v1',
  key: byOrder,
  description: 'S3: the dispute service will open no dispute on the order any more; names the dispute already open, if any.',
});
