// How an order command a consumed event caused is run, and what a refusal of it means. The upstream
// event already happened, so the decider's answer decides only what WE record:
//  - a `conflict` refusal (ORDER_CLOSED, ORDER_COMPLETED, DISPUTE_ALREADY_OPEN, ...) means our order
//    has moved on (a stale or crossing fact): a no-op, logged, the inbox keeps the event id;
//  - ORDER_NOT_FOUND may be a fact that overtook our own OrderPlaced commit (another topic, another
//    partition): it becomes a plain error, so the consumer retries with backoff (bounded) and then
//    dead-letters it for ops, rather than dropping a payment on the floor;
//  - any other refusal (validation, role) is a bug on one side: rethrown, dead-lettered at once.
import { isDomainError } from '@bp/contracts';
import { consumedMetadata } from '@bp/eventstore';
import type { IncomingEvent } from '@bp/messaging';
import type { ServiceContext } from '@bp/runtime';
import type { PoolClient } from 'pg';
import type { OrderCommand } from '../domain/order';
import type { OrderApp } from '../app/order-app';

export class OrderNotYetKnownError extends Error {
  constructor(orderId: string, eventType: string) {
    super(`${eventType} for an order not (yet) in this service: ${orderId}`);
    this.name = 'OrderNotYetKnownError';
  }
}

export const issueFrom =
  (ctx: ServiceContext, app: OrderApp) =>
  async (tx: PoolClient, event: IncomingEvent, command: OrderCommand): Promise<void> => {
    try {
      await app.execute(command, { tx, metadata: consumedMetadata(event) });
    } catch (e) {
      if (!isDomainError(e)) throw e;
      if (e.code === 'ORDER_NOT_FOUND') throw new OrderNotYetKnownError(String(command.data.orderId), event.type);
      if (e.kind !== 'conflict') throw e;
      ctx.logger.warn(
        { eventId: event.id, type: event.type, orderId: command.data.orderId, code: e.code },
        'consumed fact not applicable to the order; ignored',
      );
    }
  };
