import { sagaStep, type ConsumedEvent, type Saga } from '@bp/contracts';

/**
 * The `when` of a saga test: what `saga` makes of `event`, failing the test when it makes nothing.
 *
 *   spec(orderDecider).given(shipped).when(sagaCommand(orderFromDisputes, disputeOpened)).then([suspended])
 */
export const sagaCommand = <C>(saga: Saga<C>, event: ConsumedEvent): C => {
  const command = sagaStep(saga, event);
  if (command === null) throw new Error(`${event.type} maps to nothing`);
  return command;
};
