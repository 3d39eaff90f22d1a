import { disputePublicEvents, systemActor, Topics } from '@bp/contracts';
import { arrivalChannel, createArrivals, type Arrivals } from '@bp/http';
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
import { disputeRoutes, type DisputeRouteDeps } from './http/disputes';
import { disputeReads } from './app/prefetch';
import { evidenceRoutes, type EvidenceRouteDeps } from './http/evidence';
import { migrateDisputeTables } from './migrations';
import { disputeProjections, evidenceProjection } from './projections';

export interface DisputeServiceOptions {
  /** Where evidence bytes go; default from the runtime's config (BLOB_DIR / S3, see infra/config.ts). */
  blobs?: (ctx: ServiceContext) => BlobStore;
}

type DisputeHandlers = ReturnType<typeof createHandlers>;

interface Wiring {
  handlers: DisputeHandlers;
  /** S3: openings naming an order (or a fact about it) not recorded yet wait for it; its LISTEN connection is a background task. */
  arrivals: Arrivals;
  evidence: EvidenceRouteDeps;
  disputes: DisputeRouteDeps;
}

const wire = (ctx: ServiceContext, o: DisputeServiceOptions): Wiring => {
  const { store, schema, pool, clock, policy } = ctx;
  const handlers = createHandlers({ store, schema, projections: disputeProjections(schema) });
  const deps = { store, schema, handlers };
  const arrivals = createArrivals({ pool, channel: arrivalChannel(schema), logger: ctx.logger, consumer: ctx.membership });
  const waitMs = { unknown: durationMs(policy.api.readYourWritesWait), stale: durationMs(policy.api.staleFactsWait) };
  const blobs = o.blobs?.(ctx) ?? blobStoreFromEnv(ctx.config.DATA_DIR, ctx.config);
  return {
    handlers,
    arrivals,
    evidence: { store, blobs, projection: evidenceProjection(schema), clock, policy },
    disputes: {
      pool,
      schema,
      clock,
      open: openWhenKnown(openDispute({ ...deps, expeditedLevels: policy.buyerLevels.expeditedArbitrationLevels }), arrivals, waitMs),
      actions: disputeActions(deps),
      reads: disputeReads(store),
    },
  };
};

/** The dispute service: disputes, returns, appeals (D1-D9, R1-R8, S1) wired onto the runtime. */
export const createDisputeService = (o: DisputeServiceOptions = {}): ServiceModule =>
  defineService<Wiring>({
    name: 'dispute',
    registry: disputeRegistry(),
    publishes: disputePublicEvents,
    // One application layer per running service: routes, consumers and scheduler share it.
    wire: (ctx) => wire(ctx, o),
    routes: async (app, w, ctx) => {
      await app.register(evidenceRoutes(w.evidence));
      await app.register(disputeRoutes(w.disputes));
      await app.register(arbitrationRoutes(ctx));
    },
    consumers: {
      topics: [Topics.orders, Topics.buyers],
      handlers: (w) => consumedHandlers(w.handlers),
    },
    // A due deadline becomes FireDeadline on its dispute, joined to the scheduler's transaction; the
    // decider re-checks it against the current state (a stale one does nothing).
    deadlines: (w) => async (tx, due) => {
      const actor = systemActor('dispute-deadlines');
      const metadata = causedBy({ id: `${due.streamId}:${due.kind}:${due.dueAt}`, correlationId: due.streamId, actor }, due.now);
      await w.handlers.dispute(
        due.streamId,
        { type: 'FireDeadline', data: { kind: due.kind as DeadlineKind, dueAt: due.dueAt }, meta: { now: due.now, actor } },
        { tx, metadata },
      );
    },
    // The arrivals' LISTEN connection closes after HTTP (an opening in flight may still wait), before the pool.
    background: (w) => [{ name: 'arrivals', stop: () => w.arrivals.close() }],
    projections: (ctx) => disputeProjections(ctx.schema),
    migrations: (ctx) => migrateDisputeTables(ctx.pool, ctx.schema),
  });

export const disputeService: ServiceModule = createDisputeService();
