import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

export const REQUEST_ID_HEADER = 'x-request-id';
export const CORRELATION_ID_HEADER = 'x-correlation-id';

// Ids arrive from outside and end up in logs and headers: accept only short, plain tokens.
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const headerValue = (raw: IncomingMessage, name: string): string | undefined => {
  const v = raw.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s !== undefined && SAFE_ID.test(s) ? s : undefined;
};

/** Fastify `genReqId`: the caller's x-request-id when sane, else a fresh UUID. */
export const genRequestId = (raw: IncomingMessage): string => headerValue(raw, REQUEST_ID_HEADER) ?? randomUUID();

/** The correlation id spans a whole flow across services; it defaults to this request's id. */
export const correlationIdOf = (raw: IncomingMessage, requestId: string): string => headerValue(raw, CORRELATION_ID_HEADER) ?? requestId;

declare module 'fastify' {
  interface FastifyRequest {
    correlationId: string;
  }
}

/** Echoes both ids on every response and exposes `request.correlationId`. */
export const requestIdsPlugin = fp(
  async (app) => {
    app.decorateRequest('correlationId', '');
    app.addHook('onRequest', async (request: FastifyRequest, reply) => {
      request.correlationId = correlationIdOf(request.raw, request.id);
      reply.header(REQUEST_ID_HEADER, request.id);
      reply.header(CORRELATION_ID_HEADER, request.correlationId);
    });
  },
  { name: '@bp/http/request-ids', fastify: '5.x' },
);
