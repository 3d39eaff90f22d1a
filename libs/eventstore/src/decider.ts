/**
 * A pure aggregate: `decide` turns a command into events (or throws a DomainError refusal),
 * `evolve` folds an event into state. No I/O, no clock reads, no randomness: time and ids arrive on
 * the command.
 */
export interface DomainEvent<T extends string = string, D = unknown> {
  type: T;
  data: D;
}

export interface Decider<C, E extends DomainEvent, S> {
  decide(command: C, state: S): E[];
  evolve(state: S, event: E): S;
  initialState: S;
}

export const fold = <E extends DomainEvent, S>(decider: Pick<Decider<unknown, E, S>, 'evolve' | 'initialState'>, events: readonly E[]): S =>
  events.reduce(decider.evolve, decider.initialState);
