// Dev only: the sandbox "provider" confirms a tok_slow capture by itself, after a delay on the
// service clock, through the same signed-webhook path a real provider uses. The reminder is a row
// in the deadline table on a `sandbox:` stream (the provider's own schedule, not the escrow's
// state), so the simulated clock drives it: POST /ops/clock {"advanceBy":"PT10S"} delivers it.
import type { PoolClient, Pool } from 'pg';
import { addMs, syncDeadlines, type Clock, type DueDeadline } from '@bp/timers';
import { sandboxProviderRef } from '../domain';
import { readEscrow } from '../projections/escrows';
import { signWebhook, type CaptureRequest } from '../providers';
import type { WebhookReceiver } from './webhooks';

const PREFIX = 'sandbox:';
const KIND = 'sandbox_capture_webhook';

export const isSandboxStream = (streamId: string): boolean => streamId.startsWith(PREFIX);

const streamOf = (orderId: string, paymentId: string) => `${PREFIX}${encodeURIComponent(orderId)}:${encodeURIComponent(paymentId)}`;

export const scheduleSandboxCapture =
  (o: { pool: Pool; schema: string; clock: Clock; delayMs: number }) =>
  async (r: CaptureRequest): Promise<void> => {
    const dueAt = addMs(o.clock.now(), o.delayMs);
    await syncDeadlines(o.pool, o.schema, streamOf(r.orderId, r.paymentId), [{ kind: KIND, dueAt, actor: 'system', onExpiry: 'payment_captured' }]);
  };

export const deliverSandboxCapture =
  (o: { schema: string; secret: string; receiver: WebhookReceiver }) =>
  async (tx: PoolClient, d: DueDeadline): Promise<void> => {
    const [orderId, paymentId] = d.streamId.slice(PREFIX.length).split(':').map(decodeURIComponent) as [string, string];
    const row = await readEscrow(tx, o.schema, orderId);
    if (row) {
      const body = JSON.stringify({
        id: `evt_${paymentId}_captured`,
        type: 'payment.captured',
        data: {
          orderId,
          paymentId,
          providerRef: sandboxProviderRef(paymentId),
          amount: row.state.total.amount,
          currency: row.state.total.currency,
          capturedAt: d.now,
        },
      });
      const outcome = await o.receiver.receive(body, signWebhook(o.secret, body, new Date(d.now)), { tx });
      if (outcome.kind !== 'accepted') throw new Error(`sandbox webhook refused: ${outcome.kind}`);
    }
    await syncDeadlines(tx, o.schema, d.streamId, []);
  };
