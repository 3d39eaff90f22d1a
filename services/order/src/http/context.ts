// What every order route needs besides the caller (@bp/runtime callerOf, requestMeta): If-Match, the
// mapping of a stream conflict to the public problem codes and the view. No business rule lives here.
import { DomainError, type Actor } from '@bp/contracts';
import { isVersionConflict, type AppendMetadata, type CommandResult } from '@bp/eventstore';
import { parseIfMatch, setVersionHeaders } from '@bp/http';
import type { ServiceContext } from '@bp/runtime';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { orderError, orderView, type ExistingOrder, type OrderCommand, type OrderState } from '../domain/order';
import { isParty } from '../domain/order/authorize';
import type { OrderApp, RunOptions } from '../app/order-app';

export interface RouteDeps {
  ctx: ServiceContext;
  app: OrderApp;
}

/** Runs the command; If-Match becomes the expected version (a mismatch is 412, a lost race 409). */
export const execute = async (
  deps: RouteDeps,
  req: FastifyRequest,
  command: OrderCommand,
  metadata: AppendMetadata,
  more: Pick<RunOptions, 'newStream'> = {},
): Promise<CommandResult<OrderState>> => {
  const expectedVersion = parseIfMatch(req);
  const o: RunOptions = { metadata, ...more, ...(expectedVersion !== undefined ? { expectedVersion } : {}) };
  try {
    return await deps.app.execute(command, o);
  } catch (e) {
    if (!isVersionConflict(e)) throw e;
    if (expectedVersion !== undefined) throw new DomainError('VERSION_MISMATCH', `the order is no longer at version ${expectedVersion}`, 'precondition');
    throw new DomainError('CONCURRENT_UPDATE', 'the order changed concurrently; retry', 'conflict');
  }
};

/** The existing order when `caller` may see it; ORDER_NOT_FOUND otherwise (never reveal it exists). */
export const visibleOrder = (state: OrderState, caller: Actor): ExistingOrder => {
  if (state.status === 'initial') throw orderError('ORDER_NOT_FOUND', 'no such order');
  if (!isParty(state, caller)) throw orderError('ORDER_NOT_FOUND', 'no such order');
  return state;
};

/** The order view with its version, also as ETag. */
export const sendView = (reply: FastifyReply, ctx: ServiceContext, state: OrderState, version: number, caller: Actor, status = 200) => {
  const s = visibleOrder(state, caller);
  setVersionHeaders(reply, version);
  return reply.code(status).send({ ...orderView(s, caller, ctx.clock.now().toISOString()), version });
};
