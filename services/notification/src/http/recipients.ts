// PUT/GET /recipients/{userId} (N3, N4): that user or ops; anyone else gets 404.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { operation } from '@bp/http';
import { callerOf, requestMeta } from '@bp/runtime';
import { z } from 'zod';
import { assertRecipientAccess, RecipientBody, type RecipientState } from '../domain/recipients/recipient';
import { ANY_USER, type RouteDeps } from './context';

const Params = z.object({ userId: z.string().min(1).max(255) });
const RecipientView = z.object({
  userId: z.string(),
  email: z.string().nullable(),
  locale: z.string(),
  emailOptOut: z.array(z.string()),
  version: z.number().int(),
});
const view = (userId: string, s: RecipientState, version: number) => ({ userId, email: s.email, locale: s.locale, emailOptOut: s.emailOptOut, version });

export const recipientRoutes =
  ({ ctx, h }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.put(
      '/recipients/:userId',
      {
        config: { roles: [...ANY_USER] },
        schema: {
          params: Params,
          body: RecipientBody,
          ...operation({
            operationId: 'putRecipient',
            tags: ['recipients'],
            summary: 'E-mail, locale and opt-outs of a user (N3)',
            ok: { 200: RecipientView },
            refusals: { 404: ['RECIPIENT_NOT_FOUND'] },
          }),
        },
      },
      async (req) => {
        const { meta, metadata } = requestMeta(req, ctx);
        const { userId } = req.params;
        const result = await h.recipients({ type: 'UpdateRecipient', data: { userId, ...req.body }, meta }, { metadata });
        return view(userId, result.state, result.version);
      },
    );

    app.get(
      '/recipients/:userId',
      {
        config: { roles: [...ANY_USER] },
        schema: {
          params: Params,
          ...operation({
            operationId: 'getRecipient',
            tags: ['recipients'],
            summary: "A user's notification settings (N3)",
            ok: { 200: RecipientView },
            refusals: { 404: ['RECIPIENT_NOT_FOUND'] },
          }),
        },
      },
      async (req) => {
        const { userId } = req.params;
        assertRecipientAccess(callerOf(req), userId);
        const { state, version } = await h.loadRecipient(userId);
        return view(userId, state, version);
      },
    );
  };
