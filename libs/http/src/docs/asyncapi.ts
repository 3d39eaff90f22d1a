import type { FastifyInstance } from 'fastify';
import { DOCS_PREFIX } from './openapi';

/**
 * Serves the AsyncAPI document (generated from libs/contracts) at /docs/asyncapi. Call before
 * `ready()`. A function is called on the first request and its document kept: building it costs a
 * few hundred ms of CPU and megabytes of garbage, which a service start (a restart after a crash
 * included) should not pay for a page few ever ask for.
 */
export const registerAsyncApi = (app: FastifyInstance, doc: object | (() => object)): void => {
  let built = typeof doc === 'function' ? undefined : doc;
  app.get(`${DOCS_PREFIX}/asyncapi`, { config: { public: true }, schema: { hide: true } }, async (_req, reply) =>
    reply.type('application/json').send((built ??= (doc as () => object)())),
  );
};
