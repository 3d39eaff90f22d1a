import type { DomainErrorKind } from '@bp/contracts';
import { z } from 'zod';
import { PROBLEM_CONTENT_TYPE, STATUS_BY_KIND } from '../problems/problem';

/**
 * How a route describes itself in the OpenAPI document. Everything here is zod (the one source of
 * truth, turned into JSON Schema by z.toJSONSchema); the document adds on its own what every route
 * of the kit shares (auth, validation, idempotency, rate limit, conditional GET: see openapi.ts).
 */

/** Response headers a route may declare on an answer. */
export type ResponseHeader = 'ETag' | 'Location' | 'Retry-After' | 'Preference-Applied';

export interface Answer {
  /** null: no body (204, 202 without content). */
  body: z.ZodType | null;
  description: string;
  headers?: readonly ResponseHeader[];
}

/** Refusal codes by HTTP status: `{ 404: ['ORDER_NOT_FOUND'], 409: ['ORDER_NOT_PAID', ...] }`. */
export type Refusals = Readonly<Record<number, readonly string[]>>;

export interface OperationSpec {
  operationId: string;
  tags: readonly string[];
  summary: string;
  description?: string;
  /** Success answers by status (a bare schema: a JSON body). */
  ok: Readonly<Record<number, z.ZodType | Answer>>;
  /** The refusals this route answers on its own (domain and route codes; the kit adds its own). */
  refusals?: Refusals;
  /** Statuses whose refusals carry Retry-After (S3 "not known here yet"). */
  retryAfter?: readonly number[];
  /** If-Match is honoured: 412 VERSION_MISMATCH, 400 INVALID_IF_MATCH, 409 CONCURRENT_UPDATE. */
  ifMatch?: boolean;
  /** A GET that honours `Prefer: wait` with If-None-Match (conditional/change-wait.ts). */
  waitsForChange?: boolean;
  /** Request body other than JSON (multipart uploads), documented only: the route parses it itself. */
  requestBody?: { contentType: string; schema: z.ZodType; description?: string };
}

/** Where openapi.ts finds the kit-level facts it needs (the route's own request headers). */
export const REQUEST_HEADERS = 'x-bp-request-headers';
export const REQUEST_BODY = 'x-bp-request-body';

const HEADER_DOCS: Record<ResponseHeader, { description: string; schema: object }> = {
  ETag: { description: 'The resource version ("<version>", same number as the body\'s `version`), or a weak hash of a list', schema: { type: 'string' } },
  Location: { description: 'Where the created resource is read', schema: { type: 'string' } },
  'Retry-After': { description: 'Seconds after which the same request may succeed', schema: { type: 'string', pattern: '^[0-9]+$' } },
  'Preference-Applied': { description: 'wait=<seconds>: the Prefer wait was honoured, for at most this long', schema: { type: 'string' } },
};

/**
 * Response headers as @fastify/swagger takes them: a JSON schema per header, its `description` lifted
 * into the OpenAPI Header Object (`{ schema, description }`). Handing it a Header Object instead
 * nests it once more (`schema.schema`): generated clients then type every header `unknown`.
 */
export const responseHeaders = (names: readonly ResponseHeader[]): Record<string, Record<string, unknown>> =>
  Object.fromEntries(names.map((n) => [n, { ...HEADER_DOCS[n].schema, description: HEADER_DOCS[n].description }]));

/** RFC 9457 body; `code` lists the stable codes this answer can carry (new codes are additive: docs/http-api.md). */
export const problemSchema = (codes: readonly string[]) =>
  z.object({
    type: z.string().describe('https://errors.buyer-protection.dev/<code in kebab case>'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum(codes as [string, ...string[]]).describe('Stable; clients treat an unknown code by its status'),
    instance: z.string().optional(),
    errors: z
      .array(z.object({ in: z.string().optional(), path: z.string(), message: z.string() }))
      .optional()
      .describe('VALIDATION_FAILED: one entry per invalid field'),
  });

/** The fastify response entry of a problem answer (application/problem+json). */
export const problemResponse = (status: number, codes: readonly string[], headers: readonly ResponseHeader[] = []) => ({
  description: `Refused: ${[...codes].sort().join(', ')}`,
  ...(headers.length > 0 ? { headers: responseHeaders(headers) } : {}),
  content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema([...new Set(codes)].sort()) } },
});

/** Groups codes of an aggregate's errors table (`{ CODE: kind }`) by the status their kind answers. */
export const refusalsOf = <C extends string>(table: Readonly<Record<C, DomainErrorKind>>, codes: readonly C[]): Refusals => {
  const out: Record<number, string[]> = {};
  for (const c of codes) (out[STATUS_BY_KIND[table[c]]] ??= []).push(c);
  return out;
};

/** Merges refusal maps (duplicates dropped). */
export const mergeRefusals = (...all: (Refusals | undefined)[]): Refusals => {
  const out: Record<number, string[]> = {};
  for (const r of all) for (const [s, codes] of Object.entries(r ?? {})) out[Number(s)] = [...new Set([...(out[Number(s)] ?? []), ...codes])];
  return out;
};

const isAnswer = (a: z.ZodType | Answer): a is Answer => !(a instanceof z.ZodType);

/**
 * A route's `schema` fragment: operationId, tags, summary, the responses of every status it answers
 * (fastify's `response`, with problem+json for refusals) and the request headers it honours. Spread
 * it into the route's schema next to params/querystring/body.
 */
export const operation = (spec: OperationSpec) => {
  const response: Record<number, unknown> = {};
  for (const [status, a] of Object.entries(spec.ok)) {
    const answer: Answer = isAnswer(a) ? a : { body: a, description: 'OK' };
    response[Number(status)] = {
      description: answer.description,
      ...(answer.headers?.length ? { headers: responseHeaders(answer.headers) } : {}),
      ...(answer.body ? { content: { 'application/json': { schema: answer.body } } } : { type: 'null' }),
    };
  }
  const refusals = mergeRefusals(
    spec.refusals,
    spec.ifMatch ? { 400: ['INVALID_IF_MATCH'], 409: ['CONCURRENT_UPDATE'], 412: ['VERSION_MISMATCH'] } : undefined,
  );
  for (const [status, codes] of Object.entries(refusals)) {
    response[Number(status)] = problemResponse(Number(status), codes, spec.retryAfter?.includes(Number(status)) ? ['Retry-After'] : []);
  }
  return {
    operationId: spec.operationId,
    tags: [...spec.tags],
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    response,
    // One list: a route honouring both would otherwise keep only the last one spread here.
    ...(spec.ifMatch || spec.waitsForChange ? { [REQUEST_HEADERS]: [...(spec.ifMatch ? ['If-Match'] : []), ...(spec.waitsForChange ? ['Prefer'] : [])] } : {}),
    ...(spec.requestBody ? { [REQUEST_BODY]: spec.requestBody } : {}),
  };
};
