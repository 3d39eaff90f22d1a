import fp from 'fastify-plugin';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { observeIdempotency } from './idempotency-metrics';

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's Prometheus registry: services add their own metrics here. */
    metrics: Registry;
  }
}

export interface MetricsOptions {
  /** Label added to every metric, e.g. the service name. */
  service: string;
}

/** How often the event-loop-delay histogram samples (ms). */
export const EVENT_LOOP_SAMPLE_MS = 100;

/**
 * One registry per app (not prom-client's global one) so several apps in one process, as in
 * tests, never clash. Routes are labelled by their pattern, never the raw URL (cardinality).
 */
export const metricsPlugin = fp<MetricsOptions>(
  async (app, o) => {
    const registry = new Registry();
    registry.setDefaultLabels({ service: o.service });
    // The event-loop-delay histogram samples on a timer: prom-client's default (every 10 ms) woke an
    // idle service 100 times a second, most of its idle CPU (issue 18 item 5). Every 100 ms still
    // sees any stall of 100 ms or more, the ones worth an alert.
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
    const duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route pattern, method and status',
      labelNames: ['route', 'method', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    app.decorate('metrics', registry);
    observeIdempotency(app, registry);

    app.addHook('onResponse', async (request, reply) => {
      duration.observe(
        { route: request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched'), method: request.method, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });

    app.get('/metrics', { config: { public: true }, schema: { hide: true } as Record<string, unknown> }, async (_req, reply) =>
      reply.type(registry.contentType).send(await registry.metrics()),
    );
  },
  { name: '@bp/http/metrics', fastify: '5.x' },
);
