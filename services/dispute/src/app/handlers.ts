import type { EventEnvelope } from '@bp/contracts';
import { commandHandler, inlineProjections, type CommandOptions, type CommandResult, type EventStore, type Projection } from '@bp/eventstore';
import { deadlineSync } from '@bp/timers';
import {
  buyerLevelDecider,
  buyerLevelStreamId,
  deadlines,
  disputeDecider,
  orderFactsCommandsFor,
  orderFactsDecider,
  orderFactsStreamId,
  type BuyerLevelCommand,
  type DisputeCommand,
  type DisputeEvent,
  type DisputeState,
  type OrderFactsCommand,
  type OrderFactsState,
  type BuyerLevelState,
} from '../domain';
import { announceOrderFacts } from './known-orders';
import { causedBy } from './metadata';

export interface DisputeHandlers {
  /** A command to one dispute stream: load, decide, append + projections + timers + freed slot, one tx. */
  dispute(streamId: string, command: DisputeCommand, opts: CommandOptions): Promise<CommandResult<DisputeState>>;
  orderFacts(command: OrderFactsCommand, opts: CommandOptions): Promise<CommandResult<OrderFactsState>>;
  buyerLevel(command: BuyerLevelCommand, opts: CommandOptions): Promise<CommandResult<BuyerLevelState>>;
}

export const createHandlers = (o: { store: EventStore; schema: string; projections: Projection[] }): DisputeHandlers => {
  const project = inlineProjections(o.projections);
  // S3: every fact recorded about an order wakes the openings waiting for it (known-orders.ts).
  const orderFacts = commandHandler({
    store: o.store,
    decider: orderFactsDecider,
    streamId: (c: OrderFactsCommand) => orderFactsStreamId(c.data.orderId),
    hooks: [announceOrderFacts(o.schema)],
  });
  const buyerLevel = commandHandler({ store: o.store, decider: buyerLevelDecider, streamId: (c: BuyerLevelCommand) => buyerLevelStreamId(c.data.buyerId) });

  // D1, D7: a dispute that ended frees the order's "one open dispute" slot in the same transaction
  // (the saga's commands run on the order-facts stream, joined to the command's tx).
  const freeSlot = async (tx: Parameters<typeof project>[0], { events }: { events: EventEnvelope[] }) => {
    for (const e of events) {
      for (const c of orderFactsCommandsFor({ type: e.type, data: e.data } as DisputeEvent, e.occurredAt)) {
        await orderFacts(c, { tx, metadata: causedBy(e, e.occurredAt) });
      }
    }
  };
  // The deadline sync first: it is not awaited (sendsAtOnce), so the projection's first statement
  // joins the append's round trip too.
  const hooks = [deadlineSync(o.schema, deadlines), project, freeSlot];

  return {
    dispute: (streamId, command, opts) => commandHandler({ store: o.store, decider: disputeDecider, streamId: () => streamId, hooks })(command, opts),
    orderFacts,
    buyerLevel,
  };
};
