import type { OrderFactsCommand } from '../order-facts/decide';
import type { DisputeEvent } from './events';

/**
 * Pure event -> commands (a saga): when a dispute ends, the order's "one open dispute" slot (D1) is
 * released, so a new dispute may be opened while protection lasts (D7, D9). A settlement is
 * final for the order (R5): it is recorded, so no new dispute asks for the money again while the
 * order's completion is still on its way from the order service (only an appeal may, R7).
 */
export const orderFactsCommandsFor = (event: DisputeEvent, now: string): OrderFactsCommand[] => {
  switch (event.type) {
    case 'DisputeSettled':
      return [{ type: 'ReleaseDispute', data: { orderId: event.data.orderId, disputeId: event.data.disputeId, settled: true }, meta: { now } }];
    case 'DisputeWithdrawn':
    case 'ResendShipped':
    case 'DisputeProtectionExtensionAgreed': // O8: protection resumes; a later dispute may follow (D12 bounds it)
      return [{ type: 'ReleaseDispute', data: { orderId: event.data.orderId, disputeId: event.data.disputeId }, meta: { now } }];
    // R7, S3: an appeal of a resend-resolved dispute holds the order again while it is decided (protection-end.ts).
    case 'AppealFiled':
      return [{ type: 'ReopenDisputeForAppeal', data: { orderId: event.data.orderId, disputeId: event.data.disputeId }, meta: { now } }];
    case 'AppealDecided':
      return [{ type: 'CloseAppealReopening', data: { orderId: event.data.orderId, disputeId: event.data.disputeId }, meta: { now } }];
    default:
      return [];
  }
};
