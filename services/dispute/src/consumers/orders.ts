import {
  OrderCancelled,
  OrderClosed,
  OrderCompleted,
  OrderDelivered,
  OrderPaid,
  OrderPlaced,
  OrderShipped,
  ProtectionExtended,
  ProtectionExtensionDeclined,
  ProtectionExtensionLapsed,
  ProtectionEnded,
  ProtectionResumed,
  ProtectionSuspended,
} from '@bp/contracts';
import { on, type Handlers, type IncomingEvent } from '@bp/messaging';
import type { PoolClient } from 'pg';
import type { DisputeHandlers } from '../app/handlers';
import type { OrderFactsCommand } from '../domain';
import { orderFactsFromOrders as facts } from '../domain/sagas/order-facts-from-orders';
import { consumedMetadata } from './metadata';

/** orders.v1 -> order facts: the mapping is domain/sagas/order-facts-from-orders; this binds it to Kafka. */
export const orderHandlers = (handlers: DisputeHandlers): Handlers => {
  const record =
    <T>(toCommand: (data: T, now: string) => OrderFactsCommand) =>
    async (tx: PoolClient, e: IncomingEvent<T>) => {
      await handlers.orderFacts(toCommand(e.data, e.time), { tx, metadata: consumedMetadata(e) });
    };
  return {
    ...on(OrderPlaced, record(facts.OrderPlaced)),
    ...on(OrderPaid, record(facts.OrderPaid)),
    ...on(OrderShipped, record(facts.OrderShipped)),
    ...on(OrderDelivered, record(facts.OrderDelivered)),
    ...on(ProtectionExtended, record(facts.ProtectionExtended)),
    ...on(ProtectionExtensionDeclined, record(facts.ProtectionExtensionDeclined)),
    ...on(ProtectionExtensionLapsed, record(facts.ProtectionExtensionLapsed)),
    ...on(ProtectionSuspended, record(facts.ProtectionSuspended)),
    ...on(ProtectionResumed, record(facts.ProtectionResumed)),
    ...on(ProtectionEnded, record(facts.ProtectionEnded)),
    ...on(OrderCompleted, record(facts.OrderCompleted)),
    ...on(OrderCancelled, record(facts.OrderCancelled)),
    ...on(OrderClosed, record(facts.OrderClosed)),
  };
};
