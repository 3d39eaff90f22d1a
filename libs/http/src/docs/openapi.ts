import swagger, { type SwaggerTransform } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Role } from '@bp/contracts';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { kitAnswers, ROLE_GUARD_ROLES } from './kit-answers';
import { REQUEST_BODY, REQUEST_HEADERS, type OperationSpec } from './operation';

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

type Json = Record<string, unknown>;
const isZod = (v: unknown): v is z.ZodType => v instanceof z.ZodType;

const REQUEST_HEADER_DOCS: Record<string, { description: string; schema: Json }> = {
  'Idempotency-Key': {
    description:
      'Makes the POST safe to resend: the same key with the same body replays the first answer (Idempotent-Replayed: true), with another body 422 IDEMPOTENCY_KEY_REUSED. Kept at least 24 h.',
    schema: { type: 'string', minLength: 1, maxLength: 255 },
  },
  'If-Match': {
    description: 'The version you read ("<version>", the ETag): the write is refused with 412 VERSION_MISMATCH when the resource moved on',
    schema: { type: 'string' },
  },
  'If-None-Match': { description: 'An ETag you hold: 304 Not Modified (no body) when it is still current', schema: { type: 'string' } },
  Prefer: {
    description:
      'wait=<seconds> (RFC 7240), with If-None-Match: "<version>": the answer waits until the resource is past that version (200) or the seconds pass (304), at most policy api.changeWaitMax (30 s). Wait for an effect instead of polling.',
    schema: { type: 'string', examples: ['wait=10'] },
  },
};

/** Which roles may call the route: `config.roles`, or the roles of an `app.requireRole(...)` preHandler. */
const rolesOf = (route: { config?: { roles?: readonly Role[] }; preHandler?: unknown }): readonly Role[] => {
  if (route.config?.roles?.length) return route.config.roles;
  const handlers = Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler];
  for (const h of handlers) if (typeof h === 'function' && ROLE_GUARD_ROLES in h) return (h as unknown as Record<symbol, Role[]>)[ROLE_GUARD_ROLES]!;
  return [];
};

/** `GET /orders/:orderId/timeline` -> `getOrdersOrderIdTimeline`: for routes that name no operationId. */
const defaultOperationId = (method: string, url: string): string =>
  method.toLowerCase() +
  url
    .split(/[/:{}-]+/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');

/**
 * Zod -> JSON Schema (OpenAPI 3.1 = JSON Schema 2020-12), then what every route of the kit shares:
 * security per role (3.1 lets a bearer requirement list role names), the refusals of the kit
 * (auth, validation, idempotency, rate limit, database down), Idempotency-Key on POST, If-None-Match
 * and 304 on GET, ETag on a GET's 200. A route's own `operation(...)` declares the rest.
 */
const transform: SwaggerTransform = (input) => {
  const { route } = input;
  const schema = (input.schema ?? {}) as Json;
  if (schema.hide === true) return jsonSchemaTransform(input);
  const method = String(Array.isArray(route.method) ? route.method[0] : route.method).toUpperCase();
  const { response, [REQUEST_HEADERS]: ownHeaders, [REQUEST_BODY]: ownBody, ...rest } = schema;
  // The zod provider converts zod bodies; answers without a body and declared headers are ours to keep.
  const zodResponses: Json = {};
  const rawResponses: Record<string, Json> = {};
  const headersOf: Record<string, unknown> = {};
  for (const [status, r] of Object.entries((response ?? {}) as Json)) {
    if (isZod(r)) zodResponses[status] = r;
    else if (r && typeof r === 'object' && 'content' in r) {
      const { headers, ...withoutHeaders } = r as Json;
      zodResponses[status] = withoutHeaders;
      if (headers) headersOf[status] = headers;
    } else rawResponses[status] = r as Json;
  }
  const out = jsonSchemaTransform({ ...input, schema: { ...rest, response: zodResponses } as never });
  const s = out.schema as Json;
  const responses = (s.response ?? {}) as Record<string, Json>;
  for (const [status, headers] of Object.entries(headersOf)) responses[status] = { ...responses[status], headers };
  Object.assign(responses, rawResponses);

  const isPublic = route.config?.public === true;
  const roles = rolesOf(route as never);
  const kit = kitAnswers({
    method,
    isPublic,
    hasBody: s.body !== undefined || ownBody !== undefined,
    hasInput: Boolean(s.body ?? s.querystring ?? s.params ?? ownBody),
    pages: JSON.stringify(s.querystring ?? {}).includes('"cursor"'),
  });
  for (const [status, answer] of Object.entries(kit.responses)) {
    const mine = responses[status];
    responses[status] = mine ? mergeProblem(mine, answer) : answer;
  }
  if (method === 'GET' && responses['200']) {
    const ok = responses['200'];
    ok.headers = {
      ETag: { type: 'string', description: 'The version ("<n>") of a resource, or a weak hash of the body (W/"…")' }, // a schema: see responseHeaders
      ...(ok.headers as Json | undefined),
    };
  }

  const headerNames = [
    ...(method === 'POST' ? ['Idempotency-Key'] : []),
    ...((ownHeaders as string[] | undefined) ?? []),
    ...(method === 'GET' ? ['If-None-Match'] : []),
  ];
  const headers =
    headerNames.length > 0
      ? {
          type: 'object',
          properties: Object.fromEntries(headerNames.map((h) => [h, { ...REQUEST_HEADER_DOCS[h]!.schema, description: REQUEST_HEADER_DOCS[h]!.description }])),
        }
      : undefined;
  const body = ownBody as OperationSpec['requestBody'] | undefined;
  const roleText = roles.length > 0 ? `Roles: ${roles.join(', ')}.` : isPublic ? 'Public: no bearer token.' : '';
  return {
    url: out.url,
    schema: {
      ...s,
      operationId: s.operationId ?? defaultOperationId(method, out.url),
      response: responses,
      ...(headers ? { headers } : {}),
      ...(body
        ? {
            body: {
              content: { [body.contentType]: { schema: z.toJSONSchema(body.schema, { io: 'input' }) } },
              ...(body.description ? { description: body.description } : {}),
            },
          }
        : {}),
      security: isPublic ? [] : [{ bearerAuth: [...roles] }],
      ...(roleText ? { description: [roleText, s.description].filter(Boolean).join(' ') } : {}),
      'x-roles': [...roles],
    } as never,
  };
};

/** A status both the route and the kit answer: one problem schema whose `code` lists both's codes. */
const mergeProblem = (mine: Json, kit: Json): Json => {
  const codes = (r: Json): string[] => {
    const content = r.content as Record<string, { schema?: { properties?: { code?: { enum?: string[] } } } }> | undefined;
    return Object.values(content ?? {}).flatMap((c) => c.schema?.properties?.code?.enum ?? []);
  };
  const all = [...new Set([...codes(mine), ...codes(kit)])].sort();
  const content = JSON.parse(JSON.stringify(mine.content ?? kit.content)) as Record<string, { schema: { properties: { code: { enum: string[] } } } }>;
  for (const c of Object.values(content)) c.schema.properties.code.enum = all;
  return {
    ...kit,
    ...mine,
    description: `Refused: ${all.join(', ')}`,
    content,
    ...(mine.headers || kit.headers ? { headers: { ...(kit.headers as Json), ...(mine.headers as Json) } } : {}),
  };
};

/** OpenAPI 3.1 generated from the routes' zod schemas: UI at /docs, document at /docs/json. */
export const openApiPlugin = fp<OpenApiOptions>(
  async (app, o) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title: o.title, version: o.version ?? '0.0.0', ...(o.description ? { description: o.description } : {}) },
        components: {
          securitySchemes: {
            bearerAuth: {
              type: 'http',
              scheme: 'bearer',
              bearerFormat: 'JWT',
              description:
                'JWT with `sub` and `role`; an operation lists the roles it admits (OpenAPI 3.1 role names). A wrong role answers 403, a resource the caller is not party to 404.',
            },
          },
        },
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
        reply
          .type('text/html')
          .send(`<!doctype html><title>${escapeHtml(o.title)} API</title><p>OpenAPI document: <a href="${DOCS_PREFIX}/json">${DOCS_PREFIX}/json</a></p>`),
      );
    }
  },
  { name: '@bp/http/openapi', fastify: '5.x' },
);
