import type { IncomingEvent } from '@bp/messaging';
import type { PoolClient } from 'pg';
import { sagaHandlers } from '../src/saga-handlers';

const tx = {} as PoolClient;
const event = (type: string, data: unknown): IncomingEvent => ({
  id: 'e1',
  ceType: `x.${type}`,
  type,
  data,
  subject: 'o1',
  time: '2025-01-01T10:00:00Z',
  source: '/services/order',
  correlationId: 'c1',
  causationId: null,
  topic: 'orders.v1',
  partition: 0,
  offset: '0',
});

describe('sagaHandlers: a consumer bound to a saga', () => {
  const saga = { OrderPaid: (e: { data: { orderId: string; skip?: boolean } }) => (e.data.skip ? null : `pay ${e.data.orderId}`) };

  it("handles exactly the saga's types and runs each step's command with the event's consumed metadata", async () => {
    const ran: unknown[] = [];
    const handlers = sagaHandlers(saga, async (_tx, command, metadata) => void ran.push([command, metadata]));
    expect(Object.keys(handlers)).toEqual(['OrderPaid']);
    await handlers.OrderPaid!(tx, event('OrderPaid', { orderId: 'o1' }));
    expect(ran).toEqual([
      ['pay o1', { correlationId: 'c1', causationId: 'e1', actor: { role: 'system', id: '/services/order' }, now: '2025-01-01T10:00:00.000Z' }],
    ]);
  });

  it('a step that yields null runs nothing', async () => {
    const ran: unknown[] = [];
    await sagaHandlers(saga, async (_tx, command) => void ran.push(command)).OrderPaid!(tx, event('OrderPaid', { orderId: 'o1', skip: true }));
    expect(ran).toEqual([]);
  });
});
