import { operation, type FastifyPluginAsyncZod } from '@bp/http';
import { callerOf } from '@bp/runtime';
import type { Pool } from 'pg';
import { z } from 'zod';
import { sellerBalances, verifyLedger } from '../projections';
import { notFound } from './access';
import { BalanceBody, LedgerReportBody } from './schemas';

/** GET /sellers/{sellerId}/balance (that seller, ops) and GET /ledger/verify (ops). */
export const ledgerRoutes =
  (o: { pool: Pool; schema: string }): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/sellers/:sellerId/balance',
      {
        config: { roles: ['seller', 'ops'] },
        schema: {
          params: z.object({ sellerId: z.string().min(1) }),
          ...operation({
            operationId: 'getSellerBalance',
            tags: ['ledger'],
            summary: "The seller's payable balance (may be negative, E5)",
            ok: { 200: BalanceBody },
            refusals: { 404: ['ESCROW_NOT_FOUND'] },
          }),
        },
      },
      async (req) => {
        const caller = callerOf(req);
        const { sellerId } = req.params;
        if (caller.role === 'seller' && caller.id !== sellerId) throw notFound(`seller ${sellerId}`);
        return { sellerId, balances: await sellerBalances(o.pool, o.schema, sellerId) };
      },
    );
    app.get(
      '/ledger/verify',
      {
        config: { roles: ['ops'] },
        schema: operation({
          operationId: 'verifyLedger',
          tags: ['ledger'],
          summary: 'Conservation check over every order (E2)',
          ok: { 200: LedgerReportBody },
        }),
      },
      async () => verifyLedger(o.pool, o.schema),
    );
  };
