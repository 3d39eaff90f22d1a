import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { mapError } from './error-mapping';
import { PROBLEM_CONTENT_TYPE, problemBody, type Problem } from './problem';

const pathOf = (request: FastifyRequest): string => request.url.split('?')[0] ?? request.url;

/** Sends a problem+json body, bypassing the route's response schema (which describes successes). */
export const sendProblem = (reply: FastifyReply, p: Problem, headers: Record<string, string> = {}): FastifyReply =>
  reply
    .code(p.status)
    .headers(headers)
    .type(PROBLEM_CONTENT_TYPE)
    .serializer((payload: unknown) => JSON.stringify(payload))
    .send(p);

/**
 * Every failure leaves as RFC 9457 problem+json: domain refusals, validation, framework errors,
 * unknown routes. A 5xx never carries the error's message; it is logged with the request's ids.
 */
export const problemsPlugin = fp(
  async (app) => {
    app.setErrorHandler((err, request, reply) => {
      const mapped = mapError(err, pathOf(request));
      if (mapped.severity === 'server') {
        request.log.error({ err, correlationId: request.correlationId }, 'request failed');
      } else if (mapped.severity === 'passing') {
        request.log.warn({ code: mapped.problem.code, status: mapped.problem.status, detail: mapped.problem.detail }, 'request answered: retry later');
      } else {
        request.log.info({ code: mapped.problem.code, status: mapped.problem.status }, 'request refused');
      }
      return sendProblem(reply, mapped.problem, mapped.headers);
    });

    app.setNotFoundHandler((request, reply) =>
      sendProblem(reply, problemBody('ROUTE_NOT_FOUND', 404, `no route for ${request.method} ${pathOf(request)}`, { instance: pathOf(request) })),
    );
  },
  { name: '@bp/http/problems', fastify: '5.x' },
);
