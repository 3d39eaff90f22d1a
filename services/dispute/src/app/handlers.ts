import type { EventEnvelope } from '@bp/contracts';
import { commandHandler, inlineProjections, isPipelined, type CommandOptions, type CommandResult, type EventStore, type Projection } from '@bp/eventstore';
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
  type ThreadEntry,
} from '../domain';
import { readThread } from '../projections/thread';
import { announceOrderFacts } from './known-orders';
import { causedBy } from './metadata';

/** A dispute command's result; with `threadOf`, the thread as the command left it (none when it wrote nothing). */
export type DisputeResult = CommandResult<DisputeState> & { thread?: ThreadEntry[] };

export interface DisputeHandlers {
  /**
   * A command to one dispute stream: load, decide, append + projections + timers + freed slot, one tx.
   * `threadOf` (the dispute's id): also reads its thread back, sent behind the projections' statements,
   * so a route answers with the dispute without a read of its own (issue 18 item 2).
   */
  dispute(streamId: string, command: DisputeCommand, opts: CommandOptions, threadOf?: string): Promise<DisputeResult>;
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
  const sync = deadlineSync(o.schema, deadlines);

  return {
    dispute: async (streamId, command, opts, threadOf) => {
      let thread: ThreadEntry[] | undefined;
      const projectThenRead: typeof project = async (tx, ctx) => {
        const projected = project(tx, ctx);
        if (threadOf === undefined) return projected;
        // Pipelined, the projections send their first statement at once (the thread's one INSERT
        // among them), so the read sent right after sees the new entries and shares their round
        // trip. Otherwise their statements go one by one: the read waits for them.
        if (!isPipelined(tx)) {
          await projected;
          thread = await readThread(tx, o.schema, threadOf);
          return;
        }
        const read = readThread(tx, o.schema, threadOf);
        read.catch(() => undefined); // awaited below, after the projections: their failure is the cause
        await projected;
        thread = await read;
      };
      // The deadline sync first: it is not awaited (sendsAtOnce), so the projection's first statement
      // joins the append's round trip too.
      const hooks = [sync, projectThenRead, freeSlot];
      const result = await commandHandler({ store: o.store, decider: disputeDecider, streamId: () => streamId, hooks })(command, opts);
      return result.events.length > 0 && thread ? { ...result, thread } : result;
    },
    orderFacts,
    buyerLevel,
  };
};
