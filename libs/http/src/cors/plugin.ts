import cors from '@fastify/cors';
import fp from 'fastify-plugin';
import { IDEMPOTENCY_KEY_HEADER, REPLAYED_HEADER } from '../idempotency/plugin';
import { CORRELATION_ID_HEADER, REQUEST_ID_HEADER } from '../logging/request-ids';

export interface CorsOptions {
  /** Exact origins (`https://shop.example.com`) allowed to call from a browser; `*` for any. */
  origins: readonly string[];
  /** How long a browser may reuse a preflight answer, seconds; default 600. */
  maxAgeSec?: number;
}

/**
 * What a browser script may send beyond the CORS-safelisted headers. `traceparent`/`tracestate`: a
 * storefront page that traces may continue its trace here (docs/tracing.md).
 */
export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  IDEMPOTENCY_KEY_HEADER,
  'if-match',
  'if-none-match',
  REQUEST_ID_HEADER,
  CORRELATION_ID_HEADER,
  'traceparent',
  'tracestate',
];

/**
 * What a browser script may read: the version (ETag), where a created resource lives, when to retry
 * (429/503 problems), why a token was refused, the replay marker and the ids to quote to support.
 */
export const CORS_EXPOSED_HEADERS = [
  'etag',
  'location',
  'retry-after',
  'www-authenticate',
  REPLAYED_HEADER,
  REQUEST_ID_HEADER,
  CORRELATION_ID_HEADER,
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
];

/**
 * Cross-origin calls from the configured origins only (none unless configured: then this plugin is
 * not registered at all and browsers refuse cross-origin reads). Preflights are answered in the
 * onRequest hook, which runs before auth: a browser never sends Authorization on a preflight.
 * Credentials (cookies) stay off: the API authenticates with Bearer tokens.
 */
export const corsPlugin = fp<CorsOptions>(
  async (app, o) => {
    await app.register(cors, {
      // Always a list, even of one: @fastify/cors sends a lone string as the allowed origin to every caller.
      origin: [...o.origins],
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: CORS_ALLOWED_HEADERS,
      exposedHeaders: CORS_EXPOSED_HEADERS,
      credentials: false,
      maxAge: o.maxAgeSec ?? 600,
      strictPreflight: true,
    });
  },
  { name: '@bp/http/cors', fastify: '5.x' },
);

/** `CORS_ORIGINS` as configured: a comma list of exact origins, or `*`. Throws on a URL with a path. */
export const parseCorsOrigins = (raw: string | undefined): string[] => {
  const list = (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const o of list) {
    if (o === '*') continue;
    let origin: string;
    try {
      origin = new URL(o).origin;
    } catch {
      throw new Error(`CORS_ORIGINS: ${o} is not an origin (scheme://host[:port])`);
    }
    if (origin !== o) throw new Error(`CORS_ORIGINS: ${o} is not an origin (scheme://host[:port], no path or trailing slash)`);
  }
  return list;
};
