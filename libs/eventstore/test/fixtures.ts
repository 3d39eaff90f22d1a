import { DomainError, type EventMetadata } from '@bp/contracts';
import type { AppendMetadata, Decider } from '../src';

/** A counter aggregate: enough domain to exercise load → decide → append. */
export type CounterEvent = { type: 'Added'; data: { by: number } } | { type: 'Noted'; data: { text: string } };
export type CounterCommand = { type: 'Add'; data: { id: string; by: number } } | { type: 'Noop'; data: { id: string } };
export interface CounterState {
  total: number;
  adds: number;
}

export const counter: Decider<CounterCommand, CounterEvent, CounterState> = {
  initialState: { total: 0, adds: 0 },
  decide: (cmd, state) => {
    switch (cmd.type) {
      case 'Add':
        if (cmd.data.by <= 0) throw new DomainError('NOT_POSITIVE', 'add a positive number', 'unprocessable');
        if (state.total + cmd.data.by > 1_000_000) throw new DomainError('TOO_BIG', 'limit', 'conflict');
        return [{ type: 'Added', data: { by: cmd.data.by } }];
      case 'Noop':
        return [];
      default: {
        const never: never = cmd;
        return never;
      }
    }
  },
  evolve: (state, event) => (event.type === 'Added' ? { total: state.total + event.data.by, adds: state.adds + 1 } : state),
};

const base: EventMetadata = { correlationId: 'corr-1', causationId: null, actor: { role: 'system', id: 'test' } };
export const meta = (now = '2025-01-01T00:00:00.000Z', over: Partial<AppendMetadata> = {}): AppendMetadata => ({ ...base, now, ...over });

/** A promise resolved from outside: interleaves transactions without sleeping. */
export const deferred = <T = void>() => {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};
