import { sagaStep, type Saga } from '@bp/contracts';
import { consumedMetadata, type AppendMetadata } from '@bp/eventstore';
import type { EventHandler, Handlers, IncomingEvent } from '@bp/messaging';
import type { PoolClient } from 'pg';

/**
 * A consumer bound to a saga (domain/sagas of a service): for every event type the saga has a step
 * for, the step's result is run in the consumer's inbox transaction with the event's consumedMetadata
 * (its correlation, caused by it, at its own time, by its producer). A step that yields null does nothing.
 */
export const sagaHandlers = <C>(
  saga: Saga<C>,
  run: (tx: PoolClient, command: C, metadata: AppendMetadata, event: IncomingEvent) => Promise<unknown>,
): Handlers => {
  const handle: EventHandler = async (tx, e) => {
    const command = sagaStep(saga, e);
    if (command !== null) await run(tx, command, consumedMetadata(e), e);
  };
  return Object.fromEntries(Object.keys(saga).map((type) => [type, handle]));
};
