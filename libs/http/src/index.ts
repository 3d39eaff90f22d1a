export * from './app';
export * from './auth/config';
export * from './auth/user';
export { authPlugin, type AuthPluginOptions } from './auth/plugin';
export { createTokenVerifier, bearerToken, type VerifyToken } from './auth/verifier';
export { createJwksKeyStore } from './auth/jwks';
export { signDevToken, loadDevSecret, DEV_SECRET_FILE, type DevTokenInput } from './auth/dev-token';
export * from './problems/problem';
export { mapError, INTERNAL_DETAIL, type MappedError } from './problems/error-mapping';
export { problemsPlugin, sendProblem } from './problems/plugin';
export {
  idempotencyPlugin,
  isFinalAnswer,
  claimIdempotencyKey,
  type PartFingerprint,
  IDEMPOTENCY_KEY_HEADER,
  REPLAYED_HEADER,
  type IdempotencyOptions,
} from './idempotency/plugin';
export { migrateIdempotency, type Queryable } from './idempotency/migrate';
export { createIdempotencyStore, type IdempotencyStore } from './idempotency/store';
export { canonicalJson, requestHash } from './idempotency/request-hash';
export * from './conditional/etag';
export { conditionalGetPlugin, bodyEtag, noneMatchHits } from './conditional/conditional-get';
export { changeWaitOf, nextVersion, preferenceApplied, type ChangeWait } from './conditional/change-wait';
export { corsPlugin, parseCorsOrigins, CORS_ALLOWED_HEADERS, CORS_EXPOSED_HEADERS, type CorsOptions } from './cors/plugin';
export * from './pagination/page';
export { openApiPlugin, DOCS_PREFIX, type OpenApiOptions } from './docs/openapi';
export { registerAsyncApi } from './docs/asyncapi';
export {
  operation,
  problemSchema,
  problemResponse,
  refusalsOf,
  mergeRefusals,
  type OperationSpec,
  type Answer,
  type Refusals,
  type ResponseHeader,
} from './docs/operation';
export {
  enableResponseValidation,
  responseValidationEnabled,
  responseViolations,
  responsesChecked,
  describeViolations,
  responseValidationPlugin,
  openApiPath,
  type ResponseViolation,
} from './docs/response-validation';
export { healthPlugin, type HealthOptions } from './health/plugin';
export { metricsPlugin, type MetricsOptions } from './metrics/plugin';
export { createLogger, type LoggerOptions } from './logging/logger';
export { REDACT_PATHS } from './logging/redaction';
export { requestIdsPlugin, genRequestId, correlationIdOf, REQUEST_ID_HEADER, CORRELATION_ID_HEADER } from './logging/request-ids';
export { rateLimitPlugin, type RateLimitOptions } from './rate-limit/plugin';
export type { ZodTypeProvider, FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
export { arrivalChannel, announceArrival, createArrivals, type Arrivals, type ArrivalsOptions } from './consistency/arrivals';
export { retryLater } from './consistency/retry-later';
export { tracingPlugin, ATTR_CORRELATION_ID, type TracingPluginOptions } from './tracing/plugin';
