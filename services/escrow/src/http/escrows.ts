import { changeWaitOf, operation, preferenceApplied, setVersionHeaders, type FastifyPluginAsyncZod } from '@bp/http';
import { durationMs, type Policy } from '@bp/timers';
import { callerOf } from '@bp/runtime';
import { z } from 'zod';
import { escrowView } from '../domain';
import type { KnownOrders } from '../app/known-orders';
import { canSeeEscrow, notFound } from './access';
import { EscrowViewBody } from './schemas';

const CONSISTENCY = [
  'Consistency (S3): the escrow exists from the moment the order was placed: called right after',
  'POST /orders answered, the request waits server-side (up to policy api.readYourWritesWait, 5 s) for',
  "escrow to record the order (503 SERVICE_UNAVAILABLE with Retry-After when escrow's consumer is rejoining",
  'its group after a restart, or behind its topics under load, and the wait ends without it). Payments made here are visible at once (read-your-writes); what other',
  'services cause (release on completion, refunds of a settlement) shows once escrow consumed it (eventual, usually < 100 ms).',
  'To wait for it without polling, send the version you hold as If-None-Match: "<version>" with Prefer: wait=<seconds>:',
  'the answer comes as soon as the escrow is past that version (200), or after the seconds with 304 (at most policy',
  'api.changeWaitMax, 30 s; Preference-Applied says the wait was honoured).',
].join(' ');

/** GET /escrows/{orderId} (parties, agent, ops): the domain's view of the read model, with version/ETag. */
export const escrowRoutes =
  (o: { knownOrders: Pick<KnownOrders, 'read' | 'readNewer' | 'close'>; policy: Policy }): FastifyPluginAsyncZod =>
  async (app) => {
    const changeWaitMaxMs = durationMs(o.policy.api.changeWaitMax);
    // A shutdown answers the waiting GETs at once (what they have), rather than after their wait.
    app.addHook('preClose', async () => {
      await o.knownOrders.close();
    });
    app.get(
      '/escrows/:orderId',
      {
        config: { roles: ['buyer', 'seller', 'agent', 'ops'] },
        schema: {
          params: z.object({ orderId: z.string().min(1) }),
          ...operation({
            operationId: 'getEscrow',
            tags: ['escrows'],
            summary: "The order's escrow: captured, held, released, refunded, commission, postings",
            description: CONSISTENCY,
            ok: { 200: { body: EscrowViewBody, description: 'The escrow as the caller sees it', headers: ['ETag', 'Preference-Applied'] } },
            refusals: { 404: ['ESCROW_NOT_FOUND', 'ESCROW_ORDER_UNKNOWN'] },
            retryAfter: [404],
            waitsForChange: true,
          }),
        },
      },
      async (req, reply) => {
        const caller = callerOf(req);
        let row = await o.knownOrders.read(req.params.orderId);
        if (!row || !canSeeEscrow(caller, row.state)) throw notFound(`escrow for order ${req.params.orderId}`);
        const wait = changeWaitOf(req, changeWaitMaxMs);
        if (wait) {
          preferenceApplied(reply, wait);
          if (row.version === wait.version) row = await o.knownOrders.readNewer(req.params.orderId, wait);
        }
        setVersionHeaders(reply, row.version);
        return { ...escrowView(row.state, caller), version: row.version };
      },
    );
  };
