// One POST per order command (bodies of action routes are nullish: a POST without a body is null): parse (zod), authorize (roles from the transition table; party and
// position are the decider's), run, answer with the order view. Keeps every action route three lines.
import type { Role } from '@bp/contracts';
import type { ServiceApp } from '@bp/http';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { transitionsOf, type OrderCommand, type OrderCommandType } from '../domain/order';
import type { CommandResult } from '@bp/eventstore';
import type { OrderState } from '../domain/order';
import { execute, requestMeta, sendView, type RouteDeps } from './context';

/** Who may send `type` at all (a wrong role is 403 before anything is read; not a party is 404). */
export const rolesOf = (type: OrderCommandType): Role[] =>
  [...new Set(transitionsOf(type).flatMap((t) => t.actor))].filter((a): a is Role => a !== 'system');

type Data<T extends OrderCommandType> = Extract<OrderCommand, { type: T }>['data'];

export interface OrderCommandRoute<T extends OrderCommandType, B extends z.ZodType, P extends z.ZodType> {
  url: string;
  type: T;
  params: P;
  body: B;
  data: (req: FastifyRequest<{ Params: z.infer<P>; Body: z.infer<B> }>) => Data<T>;
  /** Default: 200 with the order view. */
  answer?: (r: CommandResult<OrderState>, data: Data<T>) => { status: number; body: unknown } | undefined;
}

export const orderCommandRoute = <T extends OrderCommandType, B extends z.ZodType, P extends z.ZodType>(app: ServiceApp, deps: RouteDeps, r: OrderCommandRoute<T, B, P>): void => {
  app.post(r.url, { config: { roles: rolesOf(r.type) }, schema: { params: r.params, body: r.body } }, async (req, reply) => {
    const { meta, metadata } = requestMeta(req, deps.ctx);
    const data = r.data(req as FastifyRequest<{ Params: z.infer<P>; Body: z.infer<B> }>);
    const result = await execute(deps, req, { type: r.type, data, meta } as OrderCommand, metadata);
    const custom = r.answer?.(result, data);
    if (custom) {
      reply.header('etag', `"${result.version}"`);
      return reply.code(custom.status).send(custom.body);
    }
    return sendView(reply, deps.ctx, result.state, result.version, meta.actor);
  });
};
