import type { FastifyPluginAsyncZod } from '@bp/http';
import type { Pool } from 'pg';
import { z } from 'zod';
import { sellerBalances, verifyLedger } from '../projections';
import { actorOf, notFound } from './access';

/** GET /sellers/{sellerId}/balance (that seller, ops) and GET /ledger/verify (ops). */
export const ledgerRoutes = (o: { pool: Pool; schema: string }): FastifyPluginAsyncZod => async (app) => {
  app.get('/sellers/:sellerId/balance', { config: { roles: ['seller', 'ops'] }, schema: { params: z.object({ sellerId: z.string().min(1) }) } }, async (req) => {
    const caller = actorOf(req.user);
    const { sellerId } = req.params;
    if (caller.role === 'seller' && caller.id !== sellerId) throw notFound(`seller ${sellerId}`);
    return { sellerId, balances: await sellerBalances(o.pool, o.schema, sellerId) };
  });
  app.get('/ledger/verify', { config: { roles: ['ops'] } }, async () => verifyLedger(o.pool, o.schema));
};
