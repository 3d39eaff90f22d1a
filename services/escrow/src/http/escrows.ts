import { setVersionHeaders, type FastifyPluginAsyncZod } from '@bp/http';
import type { Pool } from 'pg';
import { z } from 'zod';
import { escrowView } from '../domain';
import { readEscrow } from '../projections';
import { actorOf, canSeeEscrow, notFound } from './access';

/** GET /escrows/{orderId} (parties, agent, ops): the domain's view of the read model, with version/ETag. */
export const escrowRoutes = (o: { pool: Pool; schema: string }): FastifyPluginAsyncZod => async (app) => {
  app.get('/escrows/:orderId', { config: { roles: ['buyer', 'seller', 'agent', 'ops'] }, schema: { params: z.object({ orderId: z.string().min(1) }) } }, async (req, reply) => {
    const caller = actorOf(req.user);
    const row = await readEscrow(o.pool, o.schema, req.params.orderId);
    if (!row || !canSeeEscrow(caller, row.state)) throw notFound(`escrow for order ${req.params.orderId}`);
    setVersionHeaders(reply, row.version);
    return { ...escrowView(row.state, caller), version: row.version };
  });
};
