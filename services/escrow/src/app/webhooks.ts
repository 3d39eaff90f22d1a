import { systemActor } from '@bp/contracts';
import { commandMetadata } from '@bp/eventstore';
import type { Clock } from '@bp/timers';
import type { PoolClient } from 'pg';
import { SandboxWebhookBody, type EscrowCommand } from '../domain';
import { verifyWebhook } from '../providers';
import type { EscrowApp } from './escrow-app';

export type WebhookOutcome =
  | { kind: 'unauthorized' }
  | { kind: 'invalid'; message: string }
  /** duplicate: the provider already told us this (idempotent by provider reference / refund id). */
  | { kind: 'accepted'; duplicate: boolean };

const PROVIDER = systemActor('sandbox-provider');

/** The provider's message as the escrow command it reports (E4). */
const toCommand = (body: SandboxWebhookBody, now: string): EscrowCommand => {
  const meta = { now, actor: PROVIDER };
  switch (body.type) {
    case 'payment.captured': {
      const d = body.data;
      return {
        type: 'CapturePayment',
        data: {
          orderId: d.orderId,
          paymentId: d.paymentId,
          providerRef: d.providerRef,
          amount: { amount: d.amount, currency: d.currency },
          capturedAt: d.capturedAt,
        },
        meta,
      };
    }
    case 'payment.failed':
      return { type: 'FailPayment', data: body.data, meta };
    case 'refund.succeeded':
      return { type: 'CompleteRefund', data: body.data, meta };
    case 'refund.failed':
      return { type: 'FailRefundAttempt', data: body.data, meta };
  }
};

/**
 * POST /providers/sandbox/webhooks: the signature is checked over the RAW body before anything is
 * parsed, so a forged or replayed-too-late request changes nothing. Refusals of the command
 * propagate (the route answers non-2xx and the provider retries).
 */
export const createWebhookReceiver = (o: { app: EscrowApp; secret: string; clock: Clock; toleranceS?: number }) => ({
  async receive(raw: string, signature: string | undefined, opts: { tx?: PoolClient } = {}): Promise<WebhookOutcome> {
    if (!verifyWebhook(o.secret, raw, signature, o.clock.now(), o.toleranceS)) return { kind: 'unauthorized' };
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return { kind: 'invalid', message: 'body is not JSON' };
    }
    const parsed = SandboxWebhookBody.safeParse(json);
    if (!parsed.success) return { kind: 'invalid', message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
    const now = o.clock.now().toISOString();
    const result = await o.app.execute(toCommand(parsed.data, now), { metadata: commandMetadata(PROVIDER, now), ...(opts.tx ? { tx: opts.tx } : {}) });
    return { kind: 'accepted', duplicate: result.events.length === 0 };
  },
});
export type WebhookReceiver = ReturnType<typeof createWebhookReceiver>;
