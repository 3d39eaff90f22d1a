import { context as contexts, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE, ATTR_URL_PATH } from '@opentelemetry/semantic-conventions';
import { contextFromHeaders } from '@bp/tracing';
import type { FastifyRequest, RouteHandlerMethod } from 'fastify';
import fp from 'fastify-plugin';

export interface TracingPluginOptions {
  tracer: Tracer;
}

/** Probes, scrapes and API documents: a span each would be noise, and nothing they do is traced on. */
const UNTRACED = /^\/(health|metrics|docs)(\/|$)/;

/** Ours: the flow's correlation id (x-correlation-id), so a trace and the logs of its flow join. */
export const ATTR_CORRELATION_ID = 'bp.correlation_id';

/**
 * A SERVER span per request, continuing the caller's W3C `traceparent` (a storefront's trace),
 * else starting a new trace. The route handler runs with the span active, so the events its command
 * appends carry the trace on (eventstore metadata → ce_traceparent). Attributes: method, route
 * template, path (ids only, no query), status; never the caller's identity or body.
 */
export const tracingPlugin = fp<TracingPluginOptions>(
  async (app, { tracer }) => {
    const spans = new WeakMap<FastifyRequest, Span>();

    app.addHook('onRequest', async (request) => {
      const route = request.routeOptions.url;
      if (route !== undefined && UNTRACED.test(route)) return;
      const path = request.url.split('?', 1)[0]!;
      const span = tracer.startSpan(
        route ? `${request.method} ${route}` : request.method,
        {
          kind: SpanKind.SERVER,
          attributes: {
            [ATTR_HTTP_REQUEST_METHOD]: request.method,
            [ATTR_URL_PATH]: path,
            ...(route ? { [ATTR_HTTP_ROUTE]: route } : {}),
            [ATTR_CORRELATION_ID]: request.correlationId,
          },
        },
        contextFromHeaders(request.headers),
      );
      spans.set(request, span);
    });

    // Fastify runs hooks and handler as separate steps, so the span is made active around the
    // handler itself (where commands run), wrapped as each route is declared.
    app.addHook('onRoute', (route) => {
      const handler = route.handler as (...args: unknown[]) => unknown;
      route.handler = function traced(this: unknown, request: FastifyRequest, ...rest: unknown[]) {
        const span = spans.get(request);
        if (!span) return handler.call(this, request, ...rest);
        return contexts.with(trace.setSpan(contexts.active(), span), () => handler.call(this, request, ...rest));
      } as RouteHandlerMethod;
    });

    const end = (request: FastifyRequest, status: number | undefined) => {
      const span = spans.get(request);
      if (!span) return;
      spans.delete(request);
      if (status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      // 4xx is the caller's doing (OTel's rule for server spans); 5xx and an aborted request are ours.
      if (status === undefined || status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    app.addHook('onResponse', async (request, reply) => end(request, reply.statusCode));
    app.addHook('onRequestAbort', async (request) => end(request, undefined));
  },
  { name: '@bp/http/tracing', fastify: '5.x', dependencies: ['@bp/http/request-ids'] },
);
