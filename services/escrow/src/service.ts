// The escrow service as the runtime runs it: registry, topics, projections, routes and deadlines.
// Everything stateful (command handler, provider, dispatcher) is built once per running service by
// `wire`, never as a module singleton; the dispatcher is a background task the runtime starts and stops.
import { EventRegistry, escrowPublicEvents, systemActor, Topics } from '@bp/contracts';
import { commandMetadata } from '@bp/eventstore';
import { defineService, sagaHandlers, type ServiceContext, type ServiceModule } from '@bp/runtime';
import { durationMs } from '@bp/timers';
import { escrowEventDefinitions } from './domain';
import { createEscrowApp, type EscrowApp } from './app/escrow-app';
import { createKnownOrders, type KnownOrders } from './app/known-orders';
import { createPayments, type Payments } from './app/payments';
import { paymentReads } from './app/prefetch';
import { createRefundDispatcher, type RefundDispatcher } from './app/refund-dispatcher';
import { deliverSandboxCapture, isSandboxStream, scheduleSandboxCapture } from './app/sandbox-deliveries';
import { orderOfStream } from './app/streams';
import { createWebhookReceiver, type WebhookReceiver } from './app/webhooks';
import { escrowFromDisputes } from './domain/sagas/escrow-from-disputes';
import { escrowFromOrders } from './domain/sagas/escrow-from-orders';
import { escrowRoutes } from './http/escrows';
import { ledgerRoutes } from './http/ledger';
import { paymentRoutes } from './http/payments';
import { webhookRoutes } from './http/webhooks';
import { migrateEscrowTables } from './migrations';
import { escrowProjections } from './projections';
import { createSandboxProvider, DEV_WEBHOOK_SECRET, type PaymentProvider, type SandboxOptions } from './providers';

export interface EscrowServiceOptions {
  /** The payment provider adapter (default: the built-in sandbox). `deps` wires the sandbox's dev webhook. */
  provider?: (deps: Pick<SandboxOptions, 'onPending'>) => PaymentProvider;
  /** HMAC secret of sandbox webhooks (default config SANDBOX_WEBHOOK_SECRET, else a dev secret). */
  webhookSecret?: string;
  /**
   * The sandbox confirms a tok_slow capture by itself after this ISO duration on the service clock
   * (default config SANDBOX_WEBHOOK_DELAY, PT5S); `off` disables it (a real provider calls us).
   */
  sandboxWebhookDelay?: string;
  /** How often the refund dispatcher looks for work when idle (default: on NOTIFY, and every 5 s). */
  refundPollIntervalMs?: number;
}

interface Wiring {
  app: EscrowApp;
  knownOrders: KnownOrders;
  payments: Payments;
  /** Sent with a payment's Idempotency-Key claim (app/prefetch). */
  paymentReads: ReturnType<typeof paymentReads>;
  receiver: WebhookReceiver;
  dispatcher: RefundDispatcher;
  deliverSandbox: ReturnType<typeof deliverSandboxCapture>;
}

const wire = (ctx: ServiceContext, o: EscrowServiceOptions): Wiring => {
  const { pool, schema, clock, logger } = ctx;
  const secret = o.webhookSecret ?? ctx.config.SANDBOX_WEBHOOK_SECRET ?? DEV_WEBHOOK_SECRET;
  const delay = o.sandboxWebhookDelay ?? ctx.config.SANDBOX_WEBHOOK_DELAY;
  let payments: Payments | undefined;
  // E4: a reconcile round asks the provider after the scheduler's transaction, never inside it. If
  // it runs before that transaction commits, its own command waits for the stream and retries.
  const onPaymentReconcile = (orderId: string, paymentId: string) =>
    void setImmediate(() => {
      payments
        ?.reconcile(orderId, paymentId)
        .catch((err: unknown) => logger.warn({ err, orderId, paymentId }, 'payment reconcile failed; the next round retries'));
    });
  const knownOrders = createKnownOrders({
    pool,
    schema,
    logger,
    waitMs: durationMs(ctx.policy.api.readYourWritesWait),
    consumer: ctx.membership,
  });
  const app = createEscrowApp(ctx, { onPaymentReconcile, announce: knownOrders.announce });
  const onPending = delay === 'off' ? undefined : scheduleSandboxCapture({ pool, schema, clock, delayMs: durationMs(delay) });
  const provider = (o.provider ?? createSandboxProvider)(onPending ? { onPending } : {});
  const receiver = createWebhookReceiver({ app, secret, clock });
  const dispatcher = createRefundDispatcher({
    pool,
    schema,
    app,
    provider,
    clock,
    logger,
    ...(o.refundPollIntervalMs ? { pollIntervalMs: o.refundPollIntervalMs, fallbackPollMs: o.refundPollIntervalMs } : {}),
  });
  payments = createPayments({ app, provider, clock, readOrder: knownOrders.read });
  return {
    app,
    knownOrders,
    payments,
    paymentReads: paymentReads(ctx.store),
    receiver,
    dispatcher,
    deliverSandbox: deliverSandboxCapture({ schema, secret, receiver }),
  };
};

export const createEscrowService = (o: EscrowServiceOptions = {}): ServiceModule =>
  defineService<Wiring>({
    name: 'escrow',
    registry: new EventRegistry([...escrowEventDefinitions]),
    publishes: escrowPublicEvents,
    wire: (ctx) => wire(ctx, o),
    routes: async (app, w, ctx) => {
      await app.register(paymentRoutes({ payments: w.payments, reads: w.paymentReads }));
      await app.register(webhookRoutes({ sandbox: w.receiver }));
      await app.register(escrowRoutes({ knownOrders: w.knownOrders, policy: ctx.policy }));
      await app.register(ledgerRoutes(ctx));
    },
    consumers: {
      topics: [Topics.orders, Topics.disputes],
      // Each event's command from its saga (domain/sagas); one that came before the fact it needs is parked (app/parking).
      handlers: (w) => sagaHandlers({ ...escrowFromOrders, ...escrowFromDisputes }, (tx, command, metadata) => w.app.executeOrPark(command, { tx, metadata })),
    },
    deadlines: (w) => async (tx, d) => {
      if (isSandboxStream(d.streamId)) return w.deliverSandbox(tx, d);
      const orderId = orderOfStream(d.streamId);
      if (!orderId) throw new Error(`deadline on unknown stream ${d.streamId}`);
      const actor = systemActor('escrow-scheduler');
      await w.app.execute(
        { type: 'FireDeadline', data: { kind: d.kind, dueAt: d.dueAt }, meta: { now: d.now, actor } },
        { tx, orderId, metadata: commandMetadata(actor, d.now) },
      );
    },
    // E4: refunds are sent by their own loop, started and stopped by the runtime.
    background: (w) => [
      { name: 'refund-dispatcher', start: () => w.dispatcher.start(), stop: () => w.dispatcher.stop() },
      { name: 'known-orders', stop: () => w.knownOrders.close() },
    ],
    projections: (ctx) => escrowProjections(ctx.schema),
    migrations: (ctx) => migrateEscrowTables(ctx.pool, ctx.schema),
    // E4 + POST /ops/clock: every settle round also sends the refunds due now (the background loop may
    // hold some: they count as pending), so the clock returns only once they are answered.
    settle: (w) => () => w.dispatcher.settle(),
  });

/** The production module: provider and webhook settings from the runtime's config. */
export const escrowService: ServiceModule = createEscrowService();
