import rateLimit from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import { problem } from '../problems/problem';

export interface RateLimitOptions {
  /** Writes per user (token sub, else client IP) per window; default 300. */
  max?: number;
  /** Window in ms; default one minute. */
  timeWindowMs?: number;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Per-caller limit on writes (OWASP API4: per token, not only per IP). Reads are not limited here.
 * The route-level hook runs after the global auth hook, so `request.user` is known.
 */
export const rateLimitPlugin = fp<RateLimitOptions>(
  async (app, o) => {
    await app.register(rateLimit, {
      max: o.max ?? 300,
      timeWindow: o.timeWindowMs ?? 60_000,
      hook: 'onRequest',
      allowList: (request) => !WRITES.has(request.method),
      keyGenerator: (request) => (request.user ? `user:${request.user.sub}` : `ip:${request.ip}`),
      errorResponseBuilder: (_request, ctx) =>
        problem('RATE_LIMITED', 429, `too many requests, retry in ${ctx.after}`, {
          headers: { 'retry-after': String(Math.max(1, Math.ceil(ctx.ttl / 1000))) },
        }),
    });
  },
  { name: '@bp/http/rate-limit', fastify: '5.x', dependencies: ['@bp/http/auth'] },
);
