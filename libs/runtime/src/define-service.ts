import type { EventDefinition, EventRegistry, TopicName } from '@bp/contracts';
import type { Projection } from '@bp/eventstore';
import type { ServiceApp } from '@bp/http';
import type { Handlers } from '@bp/messaging';
import type { DueDeadline } from '@bp/timers';
import type { PoolClient } from 'pg';
import type { ServiceName } from './config';
import type { BackgroundTask, ServiceContext, ServiceModule } from './module';
import type { ModuleSettleReport } from './settle';

/**
 * The one shape of a service (docs/conventions.md). `wire` builds the service's application layer
 * once per running service; routes, consumers, deadlines, background tasks and settle all receive
 * that same wiring, so no service memoises by context itself.
 */
export interface ServiceDefinition<W> {
  name: ServiceName;
  /** Every event type in the service's own log (private and public). */
  registry: EventRegistry;
  /** The public events the relay sends, in commit order. */
  publishes: readonly EventDefinition[];
  wire: (ctx: ServiceContext) => W;
  routes: (app: ServiceApp, w: W, ctx: ServiceContext) => Promise<void>;
  consumers?: { topics: readonly TopicName[]; handlers: (w: W, ctx: ServiceContext) => Handlers };
  /** Fires a due deadline inside the scheduler's transaction. */
  deadlines: (w: W, ctx: ServiceContext) => (tx: PoolClient, deadline: DueDeadline) => Promise<void>;
  /** Loops and resources the runtime starts after the shared ones and stops after HTTP, before the pool. */
  background?: (w: W, ctx: ServiceContext) => readonly BackgroundTask[];
  projections?: (ctx: ServiceContext) => readonly Projection[];
  /** The service's own versioned migrations (the runtime migrates the shared tables first). */
  migrations?: (ctx: ServiceContext) => Promise<void>;
  /** See ServiceModule.settle. */
  settle?: (w: W, ctx: ServiceContext) => () => Promise<ModuleSettleReport>;
}

export const defineService = <W>(d: ServiceDefinition<W>): ServiceModule => {
  // A process runs one context per service; tests run several copies side by side.
  const wirings = new WeakMap<ServiceContext, W>();
  const wire = (ctx: ServiceContext): W => {
    if (!wirings.has(ctx)) wirings.set(ctx, d.wire(ctx));
    return wirings.get(ctx)!;
  };
  const { consumers, background, projections, migrations, settle } = d;
  return {
    name: d.name,
    registry: d.registry,
    publishes: d.publishes,
    ...(consumers ? { consumes: { topics: consumers.topics, handlers: (ctx: ServiceContext) => consumers.handlers(wire(ctx), ctx) } } : {}),
    ...(projections ? { projections } : {}),
    ...(migrations ? { migrate: migrations } : {}),
    routes: (app, ctx) => d.routes(app, wire(ctx), ctx),
    fireDeadline: (ctx) => d.deadlines(wire(ctx), ctx),
    ...(background ? { background: (ctx: ServiceContext) => background(wire(ctx), ctx) } : {}),
    ...(settle ? { settle: (ctx: ServiceContext) => settle(wire(ctx), ctx) } : {}),
  };
};
