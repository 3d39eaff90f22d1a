import { createEventStore } from '@bp/eventstore';
import { createGroupMembership } from '@bp/messaging';
import { loadConfig, type ServiceContext, type ServiceModule } from '@bp/runtime';
import { defaultPolicy, systemClock } from '@bp/timers';
import type { OpsContext } from './context';

/**
 * The context a service module's factories expect (projections, registry users), built over the
 * ops connection. It never serves requests, so the system clock and the default policy suffice:
 * projections take their times from the events, never from a clock.
 */
export const serviceContextFor = (ctx: OpsContext, module: ServiceModule): ServiceContext => {
  const schema = ctx.schemas[module.name];
  return {
    name: module.name,
    schema,
    config: loadConfig(module.name, { ...ctx.env, LOG_LEVEL: 'silent' }),
    logger: ctx.logger,
    pool: ctx.pool,
    store: createEventStore({ pool: ctx.pool, schema, registry: module.registry }),
    clock: systemClock,
    policy: defaultPolicy,
    membership: createGroupMembership({ aliveWithinMs: 0 }), // never consumes: never a member
  };
};
