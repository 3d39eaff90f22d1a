import type { EventDefinition, EventRegistry, TopicName } from '@bp/contracts';
import type { EventStore, Projection } from '@bp/eventstore';
import type { ServiceApp } from '@bp/http';
import type { GroupMembership, Handlers } from '@bp/messaging';
import type { Clock, DueDeadline, Policy } from '@bp/timers';
import type { Pool, PoolClient } from 'pg';
import type pino from 'pino';
import type { ServiceConfig, ServiceName } from './config';
import type { ModuleSettleReport } from './settle';

/** What a running service hands its own code: no module singletons, everything injected. */
export interface ServiceContext {
  name: ServiceName;
  schema: string;
  config: ServiceConfig;
  logger: pino.Logger;
  pool: Pool;
  store: EventStore;
  clock: Clock;
  policy: Policy;
  /**
   * Whether the service's consumer has been consuming (a member, alive) since a given time: a request
   * waiting for another service's fact (S3) answers "not consumed yet" rather than "unknown" when not.
   */
  membership: GroupMembership;
}

/**
 * A service is its domain plus this description; the runtime does the rest (log, inbox, deadlines,
 * idempotency tables; HTTP kit; relay; consumer group; scheduler; simulated clock; shutdown order).
 */
export interface ServiceModule {
  name: ServiceName;
  /** Every event type in the service's own log (private and public), for validation and upcasting. */
  registry: EventRegistry;
  /** The public events this service publishes; the relay sends exactly these, in commit order. */
  publishes: readonly EventDefinition[];
  /** Topics consumed by the service's group, and a handler per domain event type. */
  consumes?: { topics: readonly TopicName[]; handlers: (ctx: ServiceContext) => Handlers };
  /** Read models rebuilt from the log by `npm run ops -- replay <service>` (and migrated at start). */
  projections?: (ctx: ServiceContext) => readonly Projection[];
  /** The service's own tables (read models); the runtime migrates the shared ones first. */
  migrate?: (ctx: ServiceContext) => Promise<void>;
  /** Route plugins, registered on the service app. */
  routes: (app: ServiceApp, ctx: ServiceContext) => Promise<void>;
  /** Fires a due deadline as a command to its aggregate, inside the scheduler's transaction. */
  fireDeadline: (ctx: ServiceContext) => (tx: PoolClient, deadline: DueDeadline) => Promise<void>;
  /**
   * Work the service does in its own background loops, outside the runtime's scheduler and relay
   * (escrow: refunds to send). Called once per settle round, after the due deadlines fired: do what
   * is due now and report it (`worked` > 0 makes the settle loop go round again) and what is due but
   * held by another loop (`pending` > 0: not at rest yet). So `POST /ops/clock` returns only after it.
   */
  settle?: (ctx: ServiceContext) => () => Promise<ModuleSettleReport>;
  /** The service's own loops and resources, started by the runtime and stopped in reverse order. */
  background?: (ctx: ServiceContext) => readonly BackgroundTask[];
}

/** A loop or resource of a service's own: started after the shared parts, stopped after HTTP, before the pool. */
export interface BackgroundTask {
  name: string;
  start?: () => void | Promise<void>;
  stop: () => void | Promise<void>;
}
