import swagger, { type SwaggerTransform } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

export const DOCS_PREFIX = '/docs';

export interface OpenApiOptions {
  title: string;
  version?: string;
  description?: string;
}

/**
 * @fastify/swagger-ui serves its assets through @fastify/static, whose dependency content-disposition
 * 3 is ESM-only. Node >= 20.19 loads it (require(esm)); jest on Node 20 cannot, so there we fall
 * back to serving the JSON document ourselves instead of failing the whole app.
 */
const swaggerUiLoadable = (): boolean => {
  try {
    require('@fastify/static');
    return true;
  } catch {
    return false;
  }
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Zod schemas -> JSON Schema; public routes advertise that they need no bearer token. */
const transform: SwaggerTransform = (input) => {
  const out = jsonSchemaTransform(input);
  if (input.route.config?.public === true) return { ...out, schema: { ...out.schema, security: [] } as typeof out.schema };
  return out;
};

/** OpenAPI generated from the routes' zod schemas: UI at /docs, document at /docs/json. */
export const openApiPlugin = fp<OpenApiOptions>(
  async (app, o) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: { title: o.title, version: o.version ?? '0.0.0', ...(o.description ? { description: o.description } : {}) },
        components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
        security: [{ bearerAuth: [] }],
      },
      transform,
      transformObject: jsonSchemaTransformObject,
    });
    if (swaggerUiLoadable()) {
      await app.register(swaggerUi, { routePrefix: DOCS_PREFIX });
    } else {
      // Same document, no bundled UI: keeps /docs/json (the contract) available where the UI can't load.
      app.get(`${DOCS_PREFIX}/json`, { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
      app.get(DOCS_PREFIX, { config: { public: true }, schema: { hide: true } }, async (_req, reply) =>
        reply.type('text/html').send(`<!doctype html><title>${escapeHtml(o.title)} API</title><p>OpenAPI document: <a href="${DOCS_PREFIX}/json">${DOCS_PREFIX}/json</a></p>`),
      );
    }
  },
  { name: '@bp/http/openapi', fastify: '5.x' },
);
