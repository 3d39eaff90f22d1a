import { isDomainError } from '@bp/contracts';
import type { Decider, DomainEvent } from '@bp/eventstore';

/**
 * given(events).when(command).then(events) for deciders, without infrastructure.
 *
 *   spec(orderDecider).given([placed]).when(pay).then([paid])
 *   spec(orderDecider).given([placed, shipped]).when(cancel).thenRefuses('ORDER_ALREADY_SHIPPED')
 */
export const spec = <C, E extends DomainEvent, S>(decider: Decider<C, E, S>) => ({
  given: (events: readonly E[]) => {
    const state = events.reduce(decider.evolve, decider.initialState);
    return {
      state,
      when: (command: C) => {
        const run = () => decider.decide(command, state);
        return {
          then(expected: readonly E[] | ((events: E[], state: S) => void)): E[] {
            const produced = run();
            if (typeof expected === 'function') expected(produced, produced.reduce(decider.evolve, state));
            else expect(produced).toEqual(expected);
            return produced;
          },
          thenNothingHappens(): void {
            expect(run()).toEqual([]);
          },
          thenRefuses(code: string): void {
            let error: unknown;
            try {
              run();
            } catch (e) {
              error = e;
            }
            if (!isDomainError(error)) throw new Error(`expected refusal ${code}, got ${error ? String(error) : 'events'}`);
            expect(error.code).toBe(code);
          },
        };
      },
    };
  },
});
