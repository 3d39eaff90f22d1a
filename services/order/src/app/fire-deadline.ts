// The scheduler's callback: a due deadline becomes FireDeadline on its order, inside the scheduler's
// transaction. The decider re-checks it against the current state (a stale one changes nothing).
import { randomUUID } from 'node:crypto';
import { systemActor } from '@bp/contracts';
import type { DueDeadline } from '@bp/timers';
import type { PoolClient } from 'pg';
import type { OrderApp } from './order-app';
import { orderIdOfStream } from './streams';

export const fireOrderDeadline =
  (app: OrderApp) =>
  async (tx: PoolClient, d: DueDeadline): Promise<void> => {
    const orderId = orderIdOfStream(d.streamId);
    // Only order streams schedule deadlines; anything else is a row this service never wrote.
    if (orderId === null) throw new Error(`deadline on a stream that is not an order: ${d.streamId}`);
    const actor = systemActor('scheduler');
    await app.execute(
      { type: 'FireDeadline', data: { orderId, kind: d.kind, dueAt: d.dueAt }, meta: { now: d.now, actor } },
      { tx, metadata: { correlationId: randomUUID(), causationId: null, actor, now: d.now } },
    );
  };
