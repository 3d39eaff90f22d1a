import type { FastifyInstance } from 'fastify';
import { DOCS_PREFIX } from './openapi';

/**
 * Serves the AsyncAPI document (generated from libs/contracts) at /docs/asyncapi. Call before
 * `ready()`. A function is evaluated per request, so a lazily built document is fine.
 */
export const registerAsyncApi = (app: FastifyInstance, doc: object | (() => object)): void => {
  app.get(`${DOCS_PREFIX}/asyncapi`, { config: { public: true }, schema: { hide: true } }, async (_req, reply) =>
    reply.type('application/json').send(typeof doc === 'function' ? doc() : doc),
  );
};
