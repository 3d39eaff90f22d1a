import type { EventEnvelope } from '@bp/contracts';
import {
  commandHandler,
  inlineProjections,
  isAbortedTransaction,
  isPipelined,
  type CommandOptions,
  type CommandResult,
  type EventStore,
  type Projection,
} from '@bp/eventstore';
import { deadlineSync } from '@bp/timers';
import type { PoolClient } from 'pg';
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

/**
 * Another command of the dispute command's transaction, run only when the dispute command wrote
 * events, sent right behind its projections and thread read (one round trip on a pipelined
 * connection: the opening's ReserveDispute). Its failure fails the dispute command. It must not
 * recover from a failure of its own inside the transaction (orderFactsOnce): rolling back to its
 * savepoint could undo a projection statement sent after its own.
 */
export type AlsoInTransaction = (tx: PoolClient) => Promise<unknown>;

/** A dispute command's result; with `threadOf`, the thread as the command left it (none when it wrote nothing). */
export type DisputeResult = CommandResult<DisputeState> & { thread?: ThreadEntry[] };

export interface DisputeHandlers {
  /**
   * A command to one dispute stream: load, decide, append + projections + timers + freed slot, one tx.
   * `threadOf` (the dispute's id): also reads its thread back, sent behind the projections' statements,
   * so a route answers with the dispute without a read of its own (issue 18 item 2).
   */
  dispute(streamId: string, command: DisputeCommand, opts: CommandOptions, threadOf?: string, also?: AlsoInTransaction): Promise<DisputeResult>;
  orderFacts(command: OrderFactsCommand, opts: CommandOptions): Promise<CommandResult<OrderFactsState>>;
  /**
   * orderFacts without a retry of its own: a conflict is the caller's to retry. For a command sent
   * behind other statements of the same transaction (see AlsoInTransaction): rolled back to its
   * savepoint, it must fail, so that what was sent meanwhile is rolled back with the caller's command.
   */
  orderFactsOnce(command: OrderFactsCommand, opts: CommandOptions): Promise<CommandResult<OrderFactsState>>;
  buyerLevel(command: BuyerLevelCommand, opts: CommandOptions): Promise<CommandResult<BuyerLevelState>>;
}

export const createHandlers = (o: { store: EventStore; schema: string; projections: Projection[] }): DisputeHandlers => {
  const project = inlineProjections(o.projections);
  // S3: every fact recorded about an order wakes the openings waiting for it (known-orders.ts).
  const orderFactsHandler = (maxRetries?: number) =>
    commandHandler({
      store: o.store,
      decider: orderFactsDecider,
      streamId: (c: OrderFactsCommand) => orderFactsStreamId(c.data.orderId),
      hooks: [announceOrderFacts(o.schema)],
      ...(maxRetries === undefined ? {} : { maxRetries }),
    });
  const orderFacts = orderFactsHandler();
  const orderFactsOnce = orderFactsHandler(0);
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
    dispute: async (streamId, command, opts, threadOf, also) => {
      let thread: ThreadEntry[] | undefined;
      const projectThenRead: typeof project = async (tx, ctx) => {
        const projected = project(tx, ctx);
        // Not pipelined, statements go one by one: the read and `also` wait for the projections.
        if (!isPipelined(tx)) {
          await projected;
          if (threadOf !== undefined) thread = await readThread(tx, o.schema, threadOf);
          await also?.(tx);
          return;
        }
        // Pipelined, the projections send their first statements at once (the thread's one INSERT
        // among them), so the read sent right after sees the new entries, and it and `also` share
        // their round trip.
        const sent = [projected, threadOf === undefined ? undefined : readThread(tx, o.schema, threadOf), also?.(tx)] as const;
        const settled = await Promise.allSettled(sent);
        thread = settled[1].status === 'fulfilled' ? settled[1].value : undefined;
        const failures = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
        // The first failure in statement order is the cause; those after it only met the aborted
        // transaction (a projection's later statement behind a conflicting reservation, too).
        if (failures.length > 0) throw failures.find((e) => !isAbortedTransaction(e)) ?? failures[0];
      };
      // The deadline sync first: it is not awaited (sendsAtOnce), so the projection's first statement
      // joins the append's round trip too.
      const hooks = [sync, projectThenRead, freeSlot];
      const result = await commandHandler({ store: o.store, decider: disputeDecider, streamId: () => streamId, hooks })(command, opts);
      return result.events.length > 0 && thread ? { ...result, thread } : result;
    },
    orderFacts,
    orderFactsOnce,
    buyerLevel,
  };
};
