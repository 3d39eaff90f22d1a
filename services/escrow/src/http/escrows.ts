import { operation, setVersionHeaders, type FastifyPluginAsyncZod } from '@bp/http';
import { callerOf } from '@bp/runtime';
import { z } from 'zod';
import { escrowView } from '../domain';
import type { EscrowRow } from '../projections';
import { canSeeEscrow, notFound } from './access';
import { EscrowViewBody } from './schemas';

const CONSISTENCY = [
  'Consistency (S3): the escrow exists from the moment the order was placed: called right after',
  'POST /orders answered, the request waits server-side (up to policy api.readYourWritesWait, 5 s) for',
  "escrow to record the order (503 SERVICE_UNAVAILABLE with Retry-After when escrow's consumer is rejoining",
  'its group after a restart and the wait ends without it). Payments made here are visible at once (read-your-writes); what other',
  'services cause (release on completion, refunds of a settlement) shows once escrow consumed it (eventual, usually < 100 ms).',
].join(' ');

/** GET /escrows/{orderId} (parties, agent, ops): the domain's view of the read model, with version/ETag. */
export const escrowRoutes =
  (o: { readOrder: (orderId: string) => Promise<EscrowRow | undefined> }): FastifyPluginAsyncZod =>
  async (app) => {
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
            ok: { 200: { body: EscrowViewBody, description: 'The escrow as the caller sees it', headers: ['ETag'] } },
            refusals: { 404: ['ESCROW_NOT_FOUND', 'ESCROW_ORDER_UNKNOWN'] },
            retryAfter: [404],
          }),
        },
      },
      async (req, reply) => {
        const caller = callerOf(req);
        const row = await o.readOrder(req.params.orderId);
        if (!row || !canSeeEscrow(caller, row.state)) throw notFound(`escrow for order ${req.params.orderId}`);
        setVersionHeaders(reply, row.version);
        return { ...escrowView(row.state, caller), version: row.version };
      },
    );
  };
