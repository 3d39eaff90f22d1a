import { AppealDecided, DisputeSettled, FastRefundGranted } from '@bp/contracts';
import { on, type Handlers, type IncomingEvent } from '@bp/messaging';
import type { Clock } from '@bp/timers';
import type { PoolClient } from 'pg';
import type { EscrowCommand } from '../domain';
import type { EscrowApp } from '../app/escrow-app';
import { causedBy, ESCROW_ACTOR } from '../app/metadata';
import { disputeFactCommands as map } from './fact-commands';

/** disputes.v1 -> escrow commands: one money decision per outcome (the decider dedupes per dispute too). */
export const disputeHandlers = (app: EscrowApp, clock: Clock): Handlers => {
  const run = async (tx: PoolClient, e: IncomingEvent, command: (meta: EscrowCommand['meta']) => EscrowCommand | null) => {
    const now = clock.now().toISOString();
    const c = command({ now, actor: ESCROW_ACTOR });
    if (c) await app.executeOrPark(c, { tx, metadata: causedBy(e, now) });
  };
  return {
    ...on(DisputeSettled, (tx, e) => run(tx, e, (meta) => map.DisputeSettled(e.id, e.data, meta))),
    ...on(FastRefundGranted, (tx, e) => run(tx, e, (meta) => map.FastRefundGranted(e.id, e.data, meta))),
    ...on(AppealDecided, (tx, e) => run(tx, e, (meta) => map.AppealDecided(e.id, e.data, meta))),
  };
};
