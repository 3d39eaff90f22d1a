import { parseCorsOrigins } from '@bp/http';
import { TracesExporters } from '@bp/tracing';
import { z } from 'zod';

/**
 * Environment every service reads, parsed once at start. Unknown services' ports come from the
 * defaults of API.md; everything is overridable.
 */
export const ServiceNames = ['order', 'escrow', 'dispute', 'notification'] as const;
export type ServiceName = (typeof ServiceNames)[number];

export const defaultPorts: Record<ServiceName, number> = { order: 3001, escrow: 3002, dispute: 3003, notification: 3004 };

const defaultServiceUrls = Object.entries(defaultPorts)
  .map(([n, p]) => `${n}=http://127.0.0.1:${p}`)
  .join(',');
const serviceUrls = z
  .string()
  .default(defaultServiceUrls)
  .transform((s) =>
    Object.fromEntries(
      s
        .split(',')
        .filter(Boolean)
        .map((pair) => pair.split('=') as [string, string]),
    ),
  );

export const ServiceConfigSchema = z.object({
  /** Loopback by default (a dev machine); containers set 0.0.0.0. */
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  DATABASE_URL: z.string().min(1),
  /** Comma-separated bootstrap servers; the dev broker's address in `npm start` mode. */
  KAFKA_BROKERS: z.string().min(1),
  KAFKA_SSL: z.enum(['true', 'false']).default('false'),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  /** `simulated` only for tests and the demo system; never in production. */
  CLOCK: z.enum(['system', 'simulated']).default('system'),
  JWT_SECRET: z.string().min(16).optional(),
  JWT_PUBLIC_KEY: z.string().optional(),
  JWT_JWKS_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `order=http://127.0.0.1:3001,escrow=…`: where the other services answer (the clock settle loop). */
  SERVICE_URLS: serviceUrls,
  DATA_DIR: z.string().default('.data'),
  /** Where the simulated clock row lives: one per deployment sharing the database. */
  CLOCK_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('sim_clock'),
  /** Browser origins allowed to call the API (`https://shop.example.com,https://admin.example.com`); none by default. */
  CORS_ORIGINS: z
    .string()
    .optional()
    .transform((s, ctx) => {
      try {
        return parseCorsOrigins(s);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    }),
  /** Writes (POST/PUT/DELETE) per caller per minute; 0 turns the limit off (benchmarks). */
  RATE_LIMIT_WRITES_PER_MINUTE: z.coerce.number().int().min(0).default(300),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /**
   * The consumer group session (kafkajs default 30 s). A restarted process rejoins only once its
   * dead predecessor's session expired, so this is how long consumption stalls after a crash;
   * the heartbeat is a sixth of it. Must lie within the broker's allowed range (Kafka: ≥ 6 s).
   */
  KAFKA_CONSUMER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(1000).optional(),
  /**
   * Traces (docs/tracing.md): `none` by default, so production traces nothing unless configured;
   * `console` writes each finished span as a JSON line on the service's log.
   */
  OTEL_TRACES_EXPORTER: z.enum(TracesExporters).default('none'),
  /** Reliability tests only: consumer chaos modes `duplicate,shuffle` and the shuffle's seed (messaging chaos.ts). */
  CONSUMER_CHAOS: z.string().optional(),
  CONSUMER_CHAOS_SEED: z.string().optional(),
  /**
   * How long a SIGTERM/SIGINT stop may take before the process exits anyway (close-with-grace);
   * below the pods' terminationGracePeriodSeconds (30 s), so the process, not the kubelet, ends it.
   */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(100).default(25_000),
  /** Escrow's sandbox provider: HMAC secret of its webhooks (unset: a dev secret) and how long after a tok_slow capture it confirms by itself (`off`: never). */
  SANDBOX_WEBHOOK_SECRET: z.string().min(1).optional(),
  SANDBOX_WEBHOOK_DELAY: z.string().default('PT5S'),
  /**
   * Read here, validated and defaulted by the service that uses them (notification's
   * infra/config.ts: e-mail and webhooks; dispute's infra/config.ts: where evidence goes).
   */
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().optional(),
  SMTP_TIMEOUT_MS: z.string().optional(),
  WEBHOOK_TIMEOUT_MS: z.string().optional(),
  WEBHOOK_ALLOWED_CIDRS: z.string().optional(),
  BLOB_DIR: z.string().optional(),
  EVIDENCE_S3_ENDPOINT: z.string().optional(),
  EVIDENCE_S3_BUCKET: z.string().optional(),
  EVIDENCE_S3_REGION: z.string().optional(),
  AWS_REGION: z.string().optional(),
  EVIDENCE_S3_ACCESS_KEY_ID: z.string().optional(),
  EVIDENCE_S3_SECRET_ACCESS_KEY: z.string().optional(),
});

export type ServiceConfig = z.infer<typeof ServiceConfigSchema> & { service: ServiceName; port: number };

export const loadConfig = (service: ServiceName, env: NodeJS.ProcessEnv = process.env): ServiceConfig => {
  const parsed = ServiceConfigSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration for ${service}: ${issues}`);
  }
  if (!parsed.data.JWT_SECRET && !parsed.data.JWT_PUBLIC_KEY && !parsed.data.JWT_JWKS_URL) {
    throw new Error('invalid configuration: one of JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL is required');
  }
  return { ...parsed.data, service, port: parsed.data.PORT ?? defaultPorts[service] };
};
