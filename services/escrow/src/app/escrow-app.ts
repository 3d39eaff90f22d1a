// The escrow application layer: the Escrow command handler wired to the log, its projections and
// its deadline table, in ONE transaction per command; plus parking of facts that came too early.
import { isDomainError } from '@bp/contracts';
import { commandHandler, inlineProjections, loadAggregate, type AppendHook, type AppendMetadata, type CommandResult } from '@bp/eventstore';
import type { ServiceContext } from '@bp/runtime';
import { deadlineSync } from '@bp/timers';
import type { PoolClient } from 'pg';
import { deadlines, escrowDecider, type EscrowCommand, type EscrowErrorCode, type EscrowEvent, type EscrowState } from '../domain';
import { eventProjections, writeEscrowRow } from '../projections';
import { park, unpark, WAITS_FOR } from './parking';
import { escrowStream } from './streams';

export interface RunOptions {
  metadata: AppendMetadata;
  /** Join the caller's transaction (consumer inbox, scheduler). */
  tx?: PoolClient;
  /** The order, for commands that do not name it (FireDeadline names only its deadline). */
  orderId?: string;
}

export interface EscrowApp {
  execute(command: EscrowCommand, o: RunOptions): Promise<CommandResult<EscrowState>>;
  /**
   * For consumed facts: a command refused only because an earlier fact is missing (WAITS_FOR) is
   * parked in `tx` and re-driven when that fact is recorded. Any other refusal propagates.
   */
  executeOrPark(command: EscrowCommand, o: RunOptions & { tx: PoolClient }): Promise<'applied' | 'parked'>;
  load(orderId: string): Promise<{ state: EscrowState; version: number }>;
}

const orderIdOf = (c: EscrowCommand): string => ('orderId' in c.data ? c.data.orderId : '');

const AWAITED = new Set<string>(Object.values(WAITS_FOR));

export const createEscrowApp = (
  ctx: Pick<ServiceContext, 'store' | 'schema'>,
  o: {
    /**
     * E4: a payment_reconcile round started (PaymentReconcileStarted). Called before the command's
     * transaction commits: the reaction must run in its own transactions (the provider call stays
     * outside them) and be harmless if this one rolls back.
     */
    onPaymentReconcile?: (orderId: string, paymentId: string) => void;
    /**
     * S3: the order's escrow changed (recorded first, then each payment, release, refund), in that
     * transaction: wakes the requests waiting for it at commit. One statement, sent at once.
     */
    announce?: (tx: PoolClient, orderId: string) => Promise<void>;
  } = {},
): EscrowApp => {
  const { store, schema } = ctx;
  // One statement, sent before the call returns: not awaited before the projections (issue 18 item 2).
  const escrowRow: AppendHook<EscrowState> = Object.assign(
    (tx: PoolClient, { state, version }: { state: EscrowState; version: number }) => writeEscrowRow(tx, schema, state, version),
    { sendsAtOnce: true },
  );
  const timers = deadlineSync(schema, deadlines);
  const projections = inlineProjections(eventProjections(schema));
  const announce = o.announce;
  const announced = (orderId: string): AppendHook<EscrowState>[] =>
    announce ? [Object.assign((tx: PoolClient) => announce(tx, orderId), { sendsAtOnce: true })] : [];
  // The deadline sync first: it is not awaited (sendsAtOnce), so the escrow row and the announcement join the append's round trip too.
  const handlerFor = (orderId: string) =>
    commandHandler<EscrowCommand, EscrowEvent, EscrowState>({
      store,
      decider: escrowDecider,
      streamId: () => escrowStream(orderId),
      hooks: [timers, escrowRow, ...announced(orderId), projections],
    });

  const run = async (command: EscrowCommand, opts: RunOptions, tx: PoolClient): Promise<CommandResult<EscrowState>> => {
    const orderId = orderIdOf(command) || opts.orderId;
    if (!orderId) throw new Error(`${command.type}: no order id`);
    const result = await handlerFor(orderId)(command, { metadata: opts.metadata, tx });
    const facts = [...new Set(result.events.map((e) => e.type).filter((t) => AWAITED.has(t)))];
    if (facts.length > 0) {
      // A parked command keeps its own meta: its effects happened at its event's time, by its producer.
      for (const p of await unpark(tx, schema, orderId, facts)) {
        await executeOrPark(p.command, { tx, metadata: { ...p.causation, actor: p.command.meta.actor, now: p.command.meta.now } });
      }
    }
    if (o.onPaymentReconcile) {
      for (const e of result.events as EscrowEvent[]) if (e.type === 'PaymentReconcileStarted') o.onPaymentReconcile(e.data.orderId, e.data.paymentId);
    }
    return result;
  };

  const execute = (command: EscrowCommand, opts: RunOptions) => (opts.tx ? run(command, opts, opts.tx) : store.withTransaction((tx) => run(command, opts, tx)));

  const executeOrPark = async (command: EscrowCommand, opts: RunOptions & { tx: PoolClient }): Promise<'applied' | 'parked'> => {
    try {
      await run(command, opts, opts.tx);
      return 'applied';
    } catch (e) {
      const waitingFor = isDomainError(e) ? WAITS_FOR[e.code as EscrowErrorCode] : undefined;
      if (!waitingFor) throw e;
      const causation = { correlationId: opts.metadata.correlationId, causationId: opts.metadata.causationId };
      await park(opts.tx, schema, { command, causation, orderId: orderIdOf(command), waitingFor, reason: e instanceof Error ? e.message : String(e) });
      return 'parked';
    }
  };

  return {
    execute,
    executeOrPark,
    load: (orderId) => loadAggregate(store, escrowDecider, escrowStream(orderId)),
  };
};
