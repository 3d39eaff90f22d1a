import { mergeRefusals, operation, problem, refusalsOf, type FastifyPluginAsyncZod } from '@bp/http';
import { EscrowErrors } from '../domain';
import { z } from 'zod';
import { SIGNATURE_HEADER } from '../providers';
import type { WebhookReceiver } from '../app/webhooks';
import { notFound } from './access';
import { WebhookAckBody } from './schemas';

/**
 * POST /providers/{provider}/webhooks: public (the provider has no user token) but HMAC-signed.
 * The body is kept as the raw string in this plugin's scope: the signature covers the exact bytes.
 */
export const webhookRoutes =
  (receivers: Record<string, WebhookReceiver>): FastifyPluginAsyncZod =>
  async (app) => {
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    app.post<{ Params: { provider: string }; Body: string }>(
      '/providers/:provider/webhooks',
      {
        config: { public: true },
        schema: operation({
          operationId: 'receiveProviderWebhook',
          tags: ['payments'],
          summary: 'Asynchronous capture and refund results of a payment provider (E4)',
          description: 'Public, but the body must carry the provider signature (HMAC-SHA256 of the exact bytes).',
          ok: { 200: { body: WebhookAckBody, description: 'Recorded (duplicate: seen before, nothing changed)' } },
          refusals: mergeRefusals(
            { 400: ['VALIDATION_FAILED'], 401: ['WEBHOOK_SIGNATURE_INVALID'], 404: ['ESCROW_NOT_FOUND'] },
            // Not recorded yet (the provider retries) or not matching what escrow holds.
            refusalsOf(EscrowErrors, [
              'ESCROW_ORDER_UNKNOWN',
              'PAYMENT_UNKNOWN',
              'REFUND_UNKNOWN',
              'INVALID_AMOUNT',
              'CURRENCY_MISMATCH',
              'ORDER_ALREADY_PAID',
              'NOTHING_CAPTURED',
              'ESCROW_CLOSED',
            ]),
          ),
          requestBody: {
            contentType: 'application/json',
            schema: z.looseObject({ type: z.string() }),
            description: "The provider's event, signed over its exact bytes",
          },
        }),
      },
      async (req, reply) => {
        // Own keys only: `__proto__` or `constructor` must not find Object.prototype's members.
        const receiver = Object.hasOwn(receivers, req.params.provider) ? receivers[req.params.provider] : undefined;
        if (!receiver) throw notFound(`provider ${req.params.provider}`);
        const signature = req.headers[SIGNATURE_HEADER];
        const outcome = await receiver.receive(typeof req.body === 'string' ? req.body : '', Array.isArray(signature) ? signature[0] : signature);
        switch (outcome.kind) {
          case 'unauthorized':
            throw problem('WEBHOOK_SIGNATURE_INVALID', 401, 'missing, malformed, stale or wrong signature');
          case 'invalid':
            throw problem('VALIDATION_FAILED', 400, outcome.message);
          case 'accepted':
            return reply.code(200).send({ received: true, duplicate: outcome.duplicate });
        }
      },
    );
  };
