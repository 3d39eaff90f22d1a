// GET /buyers/{buyerId}/level (O12): that buyer or an agent; another buyer gets 404.
import { operation, setVersionHeaders, type FastifyPluginAsyncZod } from '@bp/http';
import { buyerLevelView } from '../domain/buyer-level';
import { DomainError } from '@bp/contracts';
import { callerOf } from '@bp/runtime';
import type { RouteDeps } from './context';
import { BuyerParams } from './params';
import { BuyerLevelBody } from './schemas';

export const buyerRoutes =
  (deps: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/buyers/:buyerId/level',
      {
        config: { roles: ['buyer', 'agent'] },
        schema: {
          params: BuyerParams,
          ...operation({
            operationId: 'getBuyerLevel',
            tags: ['buyers'],
            summary: "The buyer's level and completed spend (O12)",
            ok: { 200: { body: BuyerLevelBody, description: 'The level', headers: ['ETag'] } },
            refusals: { 404: ['BUYER_NOT_FOUND'] },
          }),
        },
      },
      async (req, reply) => {
        const caller = callerOf(req);
        const { buyerId } = req.params;
        if (caller.role === 'buyer' && caller.id !== buyerId) throw new DomainError('BUYER_NOT_FOUND', 'no such buyer', 'not_found');
        const { state, version } = await deps.app.buyerLevel(buyerId);
        setVersionHeaders(reply, version);
        return { buyerId, ...buyerLevelView(state), version };
      },
    );
  };
