import { createEventStore } from '@bp/eventstore';
import { createGroupMembership } from '@bp/messaging';
import { createLogger } from '@bp/http';
import { loadConfig, type ServiceContext, type ServiceModule } from '@bp/runtime';
import { defaultPolicy, systemClock } from '@bp/timers';
import type { Pool } from 'pg';

/**
 * A pool that never reaches a database: generating the contracts only registers routes. Escrow's
 * routes start the refund dispatcher, whose first round asks this pool and is refused (logged at
 * `silent`); the app is closed right after, which stops it. Dispute's arrivals connect only on a wait.
 */
export const inertPool = (): Pool => {
  const refuse = () => Promise.reject(new Error('inert pool: the contract generator never queries a database'));
  return { query: refuse, connect: refuse, on: () => undefined, end: () => Promise.resolve() } as unknown as Pool;
};

/** Settings a service would load from its environment; none of them shows in the documents. */
const INERT_ENV = {
  DATABASE_URL: 'postgres://inert.invalid/none',
  KAFKA_BROKERS: '127.0.0.1:9',
  JWT_SECRET: 'contracts-generator-not-a-secret',
  LOG_LEVEL: 'silent',
};

/** What a running service hands its module, with nothing behind it (no database, broker or clock row). */
export const inertContext = (module: ServiceModule, pool: Pool): ServiceContext => {
  const config = loadConfig(module.name, INERT_ENV);
  return {
    name: module.name,
    schema: module.name,
    config,
    logger: createLogger({ name: `${module.name}-contracts`, level: 'silent' }),
    pool,
    store: createEventStore({ pool, schema: module.name, registry: module.registry }),
    clock: systemClock,
    policy: defaultPolicy,
    membership: createGroupMembership({ aliveWithinMs: 0 }), // never consumes: never a member
  };
};
