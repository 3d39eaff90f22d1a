import type { EventEnvelope } from '@bp/contracts';
import type { PoolClient } from 'pg';
import { type Projection, inlineProjections } from '../src';

const event = (id: string, type: string) => ({ id, type, data: {} }) as unknown as EventEnvelope;
const projection = (name: string, handles: string[], calls: string[], many: boolean): Projection => ({
  name,
  handles,
  migrate: async () => {},
  reset: async () => {},
  apply: async (_tx, e) => void calls.push(`${name}.apply(${e.id})`),
  ...(many ? { applyMany: async (_tx: PoolClient, es: EventEnvelope[]) => void calls.push(`${name}.applyMany(${es.map((e) => e.id).join(',')})`) } : {}),
});

describe('inlineProjections (issue 18 item 2: fewer round trips per command)', () => {
  it('gives a projection with applyMany all of its events of the command at once, in log order; the others one by one', async () => {
    const calls: string[] = [];
    const hook = inlineProjections([projection('A', ['X', 'Z'], calls, true), projection('B', ['X', 'Y'], calls, false)]);
    const events = [event('1', 'X'), event('2', 'Y'), event('3', 'Z'), event('4', 'X'), event('5', 'W')];
    await hook({} as PoolClient, { events } as never);
    expect(calls).toEqual(['A.applyMany(1,3,4)', 'B.apply(1)', 'B.apply(2)', 'B.apply(4)']);
  });

  it('calls nothing for events no projection handles', async () => {
    const calls: string[] = [];
    await inlineProjections([projection('A', ['X'], calls, true)])({} as PoolClient, { events: [event('1', 'W')] } as never);
    expect(calls).toEqual([]);
  });
});
