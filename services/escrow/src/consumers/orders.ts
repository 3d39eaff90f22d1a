import { OrderCancelled, OrderClosed, OrderCompleted, OrderPlaced } from '@bp/contracts';
import { on, type Handlers, type IncomingEvent } from '@bp/messaging';
import type { Clock } from '@bp/timers';
import type { PoolClient } from 'pg';
import type { EscrowCommand } from '../domain';
import type { EscrowApp } from '../app/escrow-app';
import { causedBy, ESCROW_ACTOR } from '../app/metadata';
import { orderFactCommands as map } from './fact-commands';

/** orders.v1 -> escrow commands (fact-commands.ts). */
export const orderHandlers = (app: EscrowApp, clock: Clock): Handlers => {
  const run = (tx: PoolClient, e: IncomingEvent, command: (meta: EscrowCommand['meta']) => EscrowCommand) => {
    const now = clock.now().toISOString();
    return app.executeOrPark(command({ now, actor: ESCROW_ACTOR }), { tx, metadata: causedBy(e, now) });
  };
  return {
    ...on(OrderPlaced, async (tx, e) => void (await run(tx, e, (meta) => map.OrderPlaced(e.id, e.data, meta)))),
    ...on(OrderCompleted, async (tx, e) => void (await run(tx, e, (meta) => map.OrderCompleted(e.id, e.data, meta)))),
    ...on(OrderCancelled, async (tx, e) => void (await run(tx, e, (meta) => map.OrderCancelled(e.id, e.data, meta)))),
    ...on(OrderClosed, async (tx, e) => void (await run(tx, e, (meta) => map.OrderClosed(e.id, e.data, meta)))),
  };
};
