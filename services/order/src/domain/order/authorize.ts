// The table-driven part of every decision: who may send the command (party + role), whether the
// lifecycle position allows it, and the transition's named guard (process.ts, guards.ts).
import { orderError, refuseIf } from './errors';
import { guards, positionRefusal } from './guards';
import type { CommandMeta, OrderCommandType } from './commands';
import type { ExistingOrder, OrderState } from './order';
import { type Transition, transitionsOf } from './process';

type Cmd = { type: OrderCommandType; meta: CommandMeta };

/** A buyer or seller who is not this order's party gets ORDER_NOT_FOUND (API.md: 404, never reveal). */
export const isParty = (s: ExistingOrder, actor: { role: string; id: string }): boolean =>
  (actor.role !== 'buyer' || actor.id === s.order.buyerId) && (actor.role !== 'seller' || actor.id === s.order.sellerId);

export const existing = (cmd: Cmd, state: OrderState): ExistingOrder => {
  if (state.status === 'initial' || !isParty(state, cmd.meta.actor)) throw orderError('ORDER_NOT_FOUND', 'no such order');
  const roles = new Set(transitionsOf(cmd.type).flatMap((t) => t.actor));
  if (!roles.has(cmd.meta.actor.role)) throw orderError('ROLE_NOT_ALLOWED', `${cmd.meta.actor.role} may not ${cmd.type}`);
  return state;
};

/** The transition of `cmd` allowed from the current status (optionally the one going `to`). */
export const position = (cmd: Cmd, s: ExistingOrder, to?: Transition['to']): Transition => {
  const t = transitionsOf(cmd.type).find((x) => x.from.includes(s.status) && (to === undefined || x.to === to));
  if (!t) throw orderError(positionRefusal(cmd.type, s.status), `${cmd.type} is not possible while ${s.status}`);
  return t;
};

export const check = (t: Transition, s: ExistingOrder, meta: CommandMeta): Transition => {
  if (t.guard) refuseIf(guards[t.guard](s, Date.parse(meta.now)));
  return t;
};

/** existing + position + guard: the common path. */
export const allow = (cmd: Cmd, state: OrderState, to?: Transition['to']): { s: ExistingOrder; t: Transition } => {
  const s = existing(cmd, state);
  return { s, t: check(position(cmd, s, to), s, cmd.meta) };
};
