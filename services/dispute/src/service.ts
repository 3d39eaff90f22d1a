import { disputePublicEvents, systemActor, Topics } from '@bp/contracts';
import { arrivalChannel, createArrivals } from '@bp/http';
import { defineService, type ServiceContext, type ServiceModule } from '@bp/runtime';
import { durationMs } from '@bp/timers';
import { disputeActions } from './app/dispute-actions';
import { createHandlers } from './app/handlers';
import { causedBy } from './app/metadata';
import { openWhenKnown } from './app/known-orders';
import { openDispute } from './app/open-dispute';
import { disputeRegistry } from './app/registry';
import { consumedHandlers } from './consumers/consumed';
import type { DeadlineKind } from './domain';
import type { BlobStore } from './infra/blob-store';
import { blobStoreFromEnv } from './infra/config';
import { arbitrationRoutes } from './http/arbitration';
import { disputeRoutes } from './http/disputes';
import { evidenceRoutes } from './http/evidence';
import { migrateDisputeTables } from './migrations';
import { disputeProjections, evidenceProjection } from './projections';

export interface DisputeServiceOptions {
  /** Where evidence bytes go; default from the runtime's config (BLOB_DIR / S3, see infra/config.ts). */
  blobs?: (ctx: ServiceContext) => BlobStore;
}

/** The dispute service: disputes, returns, appeals (D1-D9, R1-R8, S1) wired onto the runtime. */
export const createDisputeService = (o: DisputeServiceOptions = {}): ServiceModule =>
  defineService<DisputeHandlers>({
    name: 'dispute',
    registry: disputeRegistry(),
    publishes: disputePublicEvents,
    wire: (ctx) => createHandlers({ store: ctx.store, schema: ctx.schema, projections: disputeProjections(ctx.schema) }),
    routes: async (app, handlers, ctx) => {
      const deps = { store: ctx.store, schema: ctx.schema, handlers };
      const blobs = o.blobs?.(ctx) ?? blobStoreFromEnv(ctx.config.DATA_DIR, ctx.config);
      await evidenceRoutes(app, { store: ctx.store, blobs, projection: evidenceProjection(ctx.schema), clock: ctx.clock, policy: ctx.policy });
      // S3: openings naming an order (or a fact about it) this service has not recorded yet wait for it.
      const arrivals = createArrivals({ pool: ctx.pool, channel: arrivalChannel(ctx.schema), logger: ctx.logger });
      app.addHook('onClose', () => arrivals.close());
      const waitMs = { unknown: durationMs(ctx.policy.api.readYourWritesWait), stale: durationMs(ctx.policy.api.staleFactsWait) };
      await disputeRoutes(app, {
        pool: ctx.pool,
        schema: ctx.schema,
        clock: ctx.clock,
        open: openWhenKnown(openDispute({ ...deps, expeditedLevels: ctx.policy.buyerLevels.expeditedArbitrationLevels }), arrivals, waitMs),
        actions: disputeActions(deps),
      });
      await arbitrationRoutes(app, { pool: ctx.pool, schema: ctx.schema });
    },
    consumers: {
      topics: [Topics.orders, Topics.buyers],
      handlers: (handlers) => consumedHandlers(handlers),
    },
    // A due deadline becomes FireDeadline on its dispute, joined to the scheduler's transaction; the
    // decider re-checks it against the current state (a stale one does nothing).
    deadlines: (handlers) => async (tx, due) => {
      const actor = systemActor('dispute-deadlines');
      const metadata = causedBy({ id: `${due.streamId}:${due.kind}:${due.dueAt}`, correlationId: due.streamId, actor }, due.now);
      await handlers.dispute(
        due.streamId,
        { type: 'FireDeadline', data: { kind: due.kind as DeadlineKind, dueAt: due.dueAt }, meta: { now: due.now, actor } },
        { tx, metadata },
      );
    },
    projections: (ctx) => disputeProjections(ctx.schema),
    migrations: (ctx) => migrateDisputeTables(ctx.pool, ctx.schema),
  });

type DisputeHandlers = ReturnType<typeof createHandlers>;

export const disputeService: ServiceModule = createDisputeService();
