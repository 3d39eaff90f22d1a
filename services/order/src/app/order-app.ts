// The order service's application layer: the command handlers of both aggregates wired to the log,
// the read-model projections and the deadline table, all in ONE transaction per command.
//
// O12 runs in the same transaction as the order command that completed the order (not as a process
// consuming our own log): the level is then never behind a completion that committed, there is no
// extra subscription/checkpoint to operate, and a replay still rebuilds it because the buyer-level
// stream is itself in the log. The buyer-level decider counts each order once (dedupe by orderId).
// O11 points for a confirmed receipt ride on the same hook into the same buyer stream.
import { isDomainError, systemActor, type EventEnvelope, type OrderCompletedData } from '@bp/contracts';
import { commandHandler, inlineProjections, loadAggregate, type AppendHook, type AppendMetadata, type CommandResult } from '@bp/eventstore';
import { announceArrival, arrivalChannel, createArrivals, nextVersion, type ChangeWait } from '@bp/http';
import type { ServiceContext } from '@bp/runtime';
import { deadlineSync } from '@bp/timers';
import type { PoolClient } from 'pg';
import { buyerLevelDecider, type BuyerLevelCommand, type BuyerLevelEvent, type BuyerLevelState } from '../domain/buyer-level';
import { deadlines, orderDecider, type OrderCommand, type OrderEvent, type OrderState } from '../domain/order';
import {
  timelineDecider,
  timelineItems,
  type RecordUpstreamEvent,
  type TimelineEvent,
  type TimelineItem,
  type TimelineState,
  type UpstreamEventObservedData,
} from '../domain/timeline';
import { ordersListProjection } from '../projections/orders-list';
import { completedSpend } from './completed-spend';
import { confirmationPoints } from './confirmation-points';
import { buyerStream, orderStream, timelineStream } from './streams';

export interface RunOptions {
  metadata: AppendMetadata;
  /** Join the caller's transaction (consumer inbox, scheduler). */
  tx?: PoolClient;
  /** If-Match. */
  expectedVersion?: number;
  /** The order id was just generated: its stream is not read first (see commandHandler). */
  newStream?: boolean;
}

export interface OrderApp {
  execute(command: OrderCommand, o: RunOptions): Promise<CommandResult<OrderState>>;
  load(orderId: string): Promise<{ state: OrderState; version: number }>;
  /** The order once it is past `wait.version` (woken by its append), or as it is after `wait.ms`. */
  loadNewer(orderId: string, wait: ChangeWait): Promise<{ state: OrderState; version: number }>;
  /** Ends every wait of loadNewer at once (they answer what they have) and lets its LISTEN connection go. */
  stopWaiting(): Promise<void>;
  /** The order's stream as stored (the timeline) and the state it folds to. */
  history(orderId: string): Promise<{ events: EventEnvelope[]; state: OrderState }>;
  buyerLevel(buyerId: string): Promise<{ state: BuyerLevelState; version: number }>;
  /** Records another service's public event about the order in its timeline stream (once per event id). */
  observe(command: RecordUpstreamEvent, o: RunOptions): Promise<CommandResult<TimelineState>>;
  /** The order's state and its timeline from every service (order stream + timeline stream), in order. */
  timeline(orderId: string): Promise<{ state: OrderState; items: TimelineItem[] }>;
}

export const createOrderApp = (ctx: ServiceContext): OrderApp => {
  const { store } = ctx;
  const buyers = commandHandler<BuyerLevelCommand, BuyerLevelEvent, BuyerLevelState>({
    store,
    decider: buyerLevelDecider,
    streamId: (c) => buyerStream(c.data.buyerId),
  });

  /**
   * O12 inside the order command's transaction: each OrderCompleted records the buyer's spend; O11:
   * one completed by the buyer's confirmation also earns the buyer points (same buyer stream).
   */
  const recordSpend =
    (command: OrderCommand, metadata: AppendMetadata): AppendHook<OrderState> =>
    async (tx, { events, state }) => {
      for (const e of events) {
        if (e.type !== 'OrderCompleted') continue;
        const actor = systemActor('order-service');
        const meta = { now: metadata.now, actor };
        const completed = e.data as OrderCompletedData;
        const points = confirmationPoints(completed, ctx.policy, meta);
        for (const buyerCommand of [completedSpend(completed, { command, state }, ctx.policy, meta), ...(points ? [points] : [])]) {
          try {
            await buyers(buyerCommand, { tx, metadata: { correlationId: metadata.correlationId, causationId: e.id, actor, now: metadata.now } });
          } catch (err) {
            // The buyer's level and points must never block a completion (money release, O6/O7): a
            // refusal (e.g. no USD rate for the currency) is rolled back to the handler's savepoint
            // and reported instead.
            if (!isDomainError(err)) throw err;
            ctx.logger.warn({ orderId: completed.orderId, command: buyerCommand.type, code: err.code }, 'buyer stream not updated');
          }
        }
      }
    };
  const observe = commandHandler<RecordUpstreamEvent, TimelineEvent, TimelineState>({
    store,
    decider: timelineDecider,
    streamId: (c) => timelineStream(c.data.orderId),
  });
  const history = async (orderId: string) => {
    const events = await store.readStream(orderStream(orderId));
    const state = events.reduce((s, e) => orderDecider.evolve(s, { type: e.type, data: e.data } as OrderEvent), orderDecider.initialState);
    return { events, state };
  };
  /** Log positions of both streams' events, read after them, so every event read has one. */
  const positions = async (orderId: string): Promise<Map<string, bigint>> => {
    const { rows } = await store.pool.query<{ id: string; position: string }>(
      `SELECT event_id::text AS id, global_position::text AS position FROM "${store.schema}".events WHERE stream_id = ANY($1)`,
      [[orderStream(orderId), timelineStream(orderId)]],
    );
    return new Map(rows.map((r) => [r.id, BigInt(r.position)]));
  };
  const projections = inlineProjections([ordersListProjection(ctx.schema)]);
  const timers = deadlineSync(ctx.schema, deadlines);
  // GET /orders/{id} with Prefer: wait sleeps until its order's append commits (announced by stream id).
  const channel = arrivalChannel(ctx.schema);
  const changes = createArrivals({ pool: ctx.pool, channel, logger: ctx.logger });
  const announceChange: AppendHook<OrderState> = Object.assign(
    async (tx: PoolClient, { streamId }: { streamId: string }) => {
      if (channel) await announceArrival(tx, channel, streamId);
    },
    { sendsAtOnce: true },
  );
  // A handler per command (cheap: closures) so the spend hook sees the command; the handler opens
  // the transaction itself, or joins the caller's (consumer inbox, scheduler) with a savepoint.
  const orders = (command: OrderCommand, metadata: AppendMetadata) =>
    commandHandler<OrderCommand, OrderEvent, OrderState>({
      store,
      decider: orderDecider,
      streamId: (c) => orderStream(c.data.orderId ?? ''),
      // The deadline sync and the change announcement first: neither is awaited (sendsAtOnce), so the
      // projection's statement joins the append's round trip too.
      hooks: [timers, announceChange, projections, recordSpend(command, metadata)],
    });

  return {
    execute: (command, o) => orders(command, o.metadata)(command, o),
    load: (orderId) => loadAggregate(store, orderDecider, orderStream(orderId)),
    loadNewer: (orderId, wait) => nextVersion(changes, orderStream(orderId), () => loadAggregate(store, orderDecider, orderStream(orderId)), wait),
    stopWaiting: () => changes.close(),
    history,
    buyerLevel: (buyerId) => loadAggregate(store, buyerLevelDecider, buyerStream(buyerId)),
    observe: (command, o) => observe(command, o),
    timeline: async (orderId) => {
      const { events, state } = await history(orderId);
      if (state.status === 'initial') return { state, items: [] };
      const observed = (await store.readStream(timelineStream(orderId))) as EventEnvelope<UpstreamEventObservedData>[];
      const at = await positions(orderId);
      return { state, items: timelineItems(events, observed, (id) => at.get(id) ?? BigInt(Number.MAX_SAFE_INTEGER)) };
    },
  };
};
