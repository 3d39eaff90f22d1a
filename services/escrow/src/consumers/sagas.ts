// orders.v1 and disputes.v1 -> escrow: each event's command comes from its saga (domain/sagas) and runs
// in the consumer's inbox transaction; one that arrived before the fact it needs is parked (app/parking).
import { sagaStep, type Saga } from '@bp/contracts';
import { consumedMetadata } from '@bp/eventstore';
import type { EventHandler, Handlers } from '@bp/messaging';
import type { EscrowApp } from '../app/escrow-app';
import type { EscrowCommand } from '../domain';

/** A handler for every event type `saga` has a step for. */
export const sagaHandlers = (app: EscrowApp, saga: Saga<EscrowCommand>): Handlers => {
  const handle: EventHandler = async (tx, e) => {
    const command = sagaStep(saga, e);
    if (command) await app.executeOrPark(command, { tx, metadata: consumedMetadata(e) });
  };
  return Object.fromEntries(Object.keys(saga).map((type) => [type, handle]));
};
