import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Tracer } from '@opentelemetry/api';
import { z } from 'zod';
import type { Pool } from 'pg';
import type pino from 'pino';
import type { AuthConfig } from './auth/config';
import { authPlugin } from './auth/plugin';
import { conditionalGetPlugin } from './conditional/conditional-get';
import { corsPlugin, type CorsOptions } from './cors/plugin';
import { DOCS_PREFIX, openApiPlugin } from './docs/openapi';
import { responseValidationEnabled, responseValidationPlugin } from './docs/response-validation';
import { healthPlugin } from './health/plugin';
import { idempotencyPlugin } from './idempotency/plugin';
import { correlationIdOf, genRequestId, requestIdsPlugin } from './logging/request-ids';
import { metricsPlugin } from './metrics/plugin';
import { problemsPlugin } from './problems/plugin';
import { rateLimitPlugin, type RateLimitOptions } from './rate-limit/plugin';
import { tracingPlugin } from './tracing/plugin';

/** A Fastify instance with the zod type provider: route schemas are zod, handlers are typed. */
export type ServiceApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

export interface ServiceAppOptions {
  /** Service name: logs, metrics label, OpenAPI title. */
  name: string;
  logger: pino.Logger;
  /** Enables Idempotency-Key handling (table `<schema>.idempotency_keys`, see migrateIdempotency). */
  pool?: Pool;
  schema?: string;
  auth: AuthConfig;
  readiness?: () => Promise<boolean>;
  version?: string;
  /** Max JSON body in bytes; default 1 MiB (OWASP API4). */
  bodyLimit?: number;
  /** Write rate limit per caller; `false` disables it. */
  rateLimit?: RateLimitOptions | false;
  /** ISO-8601 duration idempotency keys are kept; default policy `api.idempotencyKeyTtl`. */
  idempotencyKeyTtl?: string;
  /** Browser origins allowed to call; absent or empty: no cross-origin access. */
  cors?: CorsOptions;
  /**
   * Check every answer against the OpenAPI document and record what it does not declare (issue 19);
   * default: on after enableResponseValidation() or with HTTP_VALIDATE_RESPONSES=1. For tests.
   */
  validateResponses?: boolean;
  /** Tracing on: a SERVER span per request, continuing the caller's `traceparent` (tracing/plugin.ts). */
  tracer?: Tracer;
}

/**
 * The HTTP kit every service starts from. Plugins are loaded (awaited) in dependency order, so the
 * auth and OpenAPI `onRoute` hooks see every route a service registers afterwards.
 */
export const createServiceApp = async (o: ServiceAppOptions): Promise<ServiceApp> => {
  const app = Fastify({
    loggerInstance: o.logger as FastifyBaseLogger,
    genReqId: genRequestId,
    requestIdHeader: false,
    bodyLimit: o.bodyLimit ?? 1024 * 1024,
    // Every log line of a request carries both ids, so one flow can be followed across services.
    childLoggerFactory: (logger, bindings, opts, raw) => logger.child({ ...bindings, correlationId: correlationIdOf(raw, String(bindings.reqId)) }, opts),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  // A zod response schema shapes the answer (undeclared fields never leave; a body breaking it is a
  // 500, not a leak). Answers declared without a body (`type: 'null'`: 204, 304) are plain JSON.
  app.setSerializerCompiler((route) =>
    route.schema instanceof z.ZodType ? serializerCompiler(route as Parameters<typeof serializerCompiler>[0]) : (data: unknown) => JSON.stringify(data),
  );

  await app.register(requestIdsPlugin);
  // Before auth and the rest: their refusals (401, 429…) are part of the request's span too.
  if (o.tracer) await app.register(tracingPlugin, { tracer: o.tracer });
  await app.register(problemsPlugin);
  // Before auth: preflights carry no token and are answered in cors' onRequest hook.
  if (o.cors && o.cors.origins.length > 0) await app.register(corsPlugin, o.cors);
  await app.register(conditionalGetPlugin);
  await app.register(authPlugin, { auth: o.auth, publicPrefixes: [DOCS_PREFIX] });
  await app.register(openApiPlugin, { title: o.name, ...(o.version ? { version: o.version } : {}) });
  if (o.rateLimit !== false) await app.register(rateLimitPlugin, o.rateLimit ?? {});
  await app.register(metricsPlugin, { service: o.name });
  await app.register(healthPlugin, o.readiness ? { readiness: o.readiness } : {});
  if (o.pool) {
    await app.register(idempotencyPlugin, {
      pool: o.pool,
      schema: o.schema ?? 'public',
      ...(o.idempotencyKeyTtl ? { ttl: o.idempotencyKeyTtl } : {}),
    });
  }
  // Last: it must see the answer as the other onSend hooks (conditional GET, idempotency) left it.
  if (o.validateResponses ?? responseValidationEnabled()) await app.register(responseValidationPlugin, { service: o.name });
  return app;
};
