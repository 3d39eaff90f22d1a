// One POST per order command (bodies of action routes are nullish: a POST without a body is null): parse (zod), authorize (roles from the transition table; party and
// position are the decider's), run, answer with the order view. Keeps every action route three lines.
import type { Role } from '@bp/contracts';
import { operation, refusalsOf, type OperationSpec, type ServiceApp } from '@bp/http';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { OrderErrors, transitionsOf, type OrderCommand, type OrderCommandType, type OrderErrorCode } from '../domain/order';
import type { CommandResult } from '@bp/eventstore';
import { requestMeta } from '@bp/runtime';
import type { OrderState } from '../domain/order';
import { execute, sendView, type RouteDeps } from './context';
import { OrderViewBody } from './schemas';

/** Every command: not a party (404), a role the transition table does not admit, a position the order is not in. */
const COMMAND_REFUSALS: OrderErrorCode[] = [
  'ORDER_NOT_FOUND',
  'ROLE_NOT_ALLOWED',
  'ORDER_NOT_PAID',
  'ORDER_NOT_SHIPPED',
  'ORDER_ALREADY_SHIPPED',
  'ORDER_NOT_COMPLETED',
  'ORDER_COMPLETED',
  'ORDER_CLOSED',
  'PROTECTION_EXPIRED',
  'DISPUTE_OPEN',
];

/** Who may send `type` at all (a wrong role is 403 before anything is read; not a party is 404). */
export const rolesOf = (type: OrderCommandType): Role[] => [...new Set(transitionsOf(type).flatMap((t) => t.actor))].filter((a): a is Role => a !== 'system');

type Data<T extends OrderCommandType> = Extract<OrderCommand, { type: T }>['data'];

export interface OrderCommandRoute<T extends OrderCommandType, B extends z.ZodType, P extends z.ZodType> {
  url: string;
  type: T;
  params: P;
  body: B;
  data: (req: FastifyRequest<{ Params: z.infer<P>; Body: z.infer<B> }>) => Data<T>;
  /** OpenAPI: operationId, summary, the command's own refusal codes. */
  doc: { operationId: string; summary: string; refusals?: OrderErrorCode[] };
  /** Default: 200 with the order view; `created` documents a custom 201 answer. */
  created?: z.ZodType;
  answer?: (r: CommandResult<OrderState>, data: Data<T>) => { status: number; body: unknown } | undefined;
}

export const orderCommandRoute = <T extends OrderCommandType, B extends z.ZodType, P extends z.ZodType>(
  app: ServiceApp,
  deps: RouteDeps,
  r: OrderCommandRoute<T, B, P>,
): void => {
  const ok: OperationSpec['ok'] = r.created
    ? { 201: { body: r.created, description: 'Created', headers: ['ETag'] } }
    : { 200: { body: OrderViewBody, description: 'The order after the command, as the caller sees it', headers: ['ETag'] } };
  const doc = operation({ ...r.doc, tags: ['orders'], ok, refusals: refusalsOf(OrderErrors, [...COMMAND_REFUSALS, ...(r.doc.refusals ?? [])]), ifMatch: true });
  app.post(r.url, { config: { roles: rolesOf(r.type) }, schema: { params: r.params, body: r.body, ...doc } }, async (req, reply) => {
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
