import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import pino from 'pino';
import { memorySeenStore, type SeenStore } from './seen-store';
import { DEFAULT_TOLERANCE_SECONDS, verifyDelivery, type VerifiedDelivery } from './verify';

/**
 * The reference webhook receiver (N4): a fastify app with one POST route that verifies each
 * delivery with `verifyDelivery` and hands first-seen genuine events to the partner's handler.
 *
 * | answer | when | sender |
 * |---|---|---|
 * | 200 `processed` | verified, first seen, handler succeeded | done |
 * | 200 `duplicate` | a genuine copy of a delivery already processed (inside the tolerance) | done, not re-processed |
 * | 409 `in_progress` | a copy while the first is still in the handler | retries later |
 * | 400 | missing or malformed `Webhook-Id` / `Webhook-Signature`, body not a CloudEvent | retries, then gives up |
 * | 401 | bad signature, or timestamp outside the tolerance (a stale replay) | retries, then gives up |
 * | 500 | the handler threw (nothing recorded) | retries: processed then |
 * | 503 | the seen store failed or is full | retries |
 */

export interface ReceiverOptions {
  /** Current secrets (several during a rotation); a function is asked per request, so rotation needs no restart. */
  secrets: readonly string[] | (() => readonly string[] | Promise<readonly string[]>);
  /** Called once per genuine delivery; throw to have the sender retry it. */
  handler: (event: VerifiedDelivery) => void | Promise<void>;
  path?: string;
  toleranceSeconds?: number;
  /** Default: in memory, one process. Share one (Redis, Postgres) behind several instances. */
  seen?: SeenStore;
  now?: () => Date;
  /** Default: `receiverLogger()`. Never given secrets, signatures or bodies; redaction is the safety net. */
  logger?: pino.Logger;
  bodyLimit?: number;
}

/** Paths that would hold a secret or a signature if anyone ever logged them. */
export const RECEIVER_REDACT_PATHS = [
  'secret',
  'secrets',
  '*.secret',
  '*.secrets',
  'signature',
  '*.signature',
  'req.headers["webhook-signature"]',
  'headers["webhook-signature"]',
  '*.headers["webhook-signature"]',
];

export const receiverLogger = (stream?: pino.DestinationStream, level: pino.LevelWithSilent = 'info'): pino.Logger =>
  pino({ name: 'webhook-receiver', level, redact: { paths: RECEIVER_REDACT_PATHS, censor: '[redacted]' } }, stream);

export const createReferenceReceiver = (o: ReceiverOptions): FastifyInstance => {
  const logger = o.logger ?? receiverLogger();
  const seen = o.seen ?? memorySeenStore();
  const now = o.now ?? (() => new Date());
  const secrets = typeof o.secrets === 'function' ? o.secrets : () => o.secrets as readonly string[];
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, bodyLimit: o.bodyLimit ?? 1024 * 1024 }) as unknown as FastifyInstance;

  // The signature is over the exact bytes: keep the body raw, whatever the content type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.post(o.path ?? '/webhooks', async (req, reply) => {
    let verdict;
    try {
      verdict = await verifyDelivery({
        secrets: await secrets(),
        headers: req.headers,
        rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        now: now(),
        toleranceSeconds: o.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
        seen,
      });
    } catch (err) {
      req.log.error({ err: { name: (err as Error).name, message: (err as Error).message } }, 'webhook: seen store unavailable');
      return reply.code(503).header('retry-after', '10').send({ status: 'unavailable' });
    }
    if (verdict.outcome === 'refused') {
      req.log.warn({ deliveryId: verdict.deliveryId, reason: verdict.reason }, 'webhook refused');
      return reply.code(verdict.status).send({ status: 'refused', reason: verdict.reason });
    }
    if (verdict.outcome === 'duplicate') {
      req.log.info({ deliveryId: verdict.deliveryId, reason: verdict.reason }, 'webhook duplicate, not processed');
      return reply.code(verdict.status).send({ status: verdict.status === 200 ? 'duplicate' : 'in_progress' });
    }
    const { deliveryId, id, type } = verdict.delivery;
    try {
      await o.handler(verdict.delivery);
    } catch (err) {
      await verdict.release().catch(() => undefined);
      req.log.error({ deliveryId, eventId: id, type, err: { name: (err as Error).name, message: (err as Error).message } }, 'webhook handler failed');
      return reply.code(500).send({ status: 'error' });
    }
    await verdict
      .done()
      .catch((err: Error) => req.log.error({ deliveryId, err: { name: err.name, message: err.message } }, 'webhook: could not record delivery'));
    req.log.info({ deliveryId, eventId: id, type }, 'webhook processed');
    return reply.code(200).send({ status: 'processed' });
  });
  return app;
};
