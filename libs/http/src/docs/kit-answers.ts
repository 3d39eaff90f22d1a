import { z } from 'zod';
import { problemResponse, type ResponseHeader } from './operation';

/** The roles an `app.requireRole(...)` preHandler carries (set by the auth plugin). */
export const ROLE_GUARD_ROLES = Symbol.for('@bp/http/role-guard');

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface RouteTraits {
  method: string;
  isPublic: boolean;
  /** Has a request body (JSON or another declared content type). */
  hasBody: boolean;
  /** Validates params, querystring or body. */
  hasInput: boolean;
  /** A list with `?cursor=`. */
  pages: boolean;
}

/**
 * What the kit itself may answer on a route, whatever the route does: the auth hook, input
 * validation and body parsing, the idempotency layer on POST, the write rate limit, the conditional
 * GET, a lost race on a stream and a database that cannot be reached. Codes as mapError and the
 * plugins send them (libs/http/src/problems, auth, idempotency, rate-limit, conditional).
 */
export const kitAnswers = (r: RouteTraits): { responses: Record<string, Record<string, unknown>> } => {
  const codes: Record<number, string[]> = { 500: ['INTERNAL_ERROR'], 503: ['SERVICE_UNAVAILABLE'] };
  const headers: Record<number, ResponseHeader[]> = { 503: ['Retry-After'] };
  const add = (status: number, ...c: string[]) => void (codes[status] = [...(codes[status] ?? []), ...c]);
  if (!r.isPublic) {
    add(401, 'UNAUTHENTICATED');
    add(403, 'FORBIDDEN_ROLE');
  }
  if (r.hasInput) add(400, 'VALIDATION_FAILED', 'INVALID_TEXT');
  if (r.hasBody) {
    add(400, 'MALFORMED_BODY');
    add(413, 'PAYLOAD_TOO_LARGE');
    add(415, 'UNSUPPORTED_MEDIA_TYPE');
  }
  if (r.pages) add(400, 'INVALID_CURSOR');
  if (r.method === 'POST') {
    add(400, 'INVALID_IDEMPOTENCY_KEY');
    add(409, 'IDEMPOTENCY_KEY_IN_FLIGHT', 'IDEMPOTENCY_KEY_ANSWER_LOST');
    add(422, 'IDEMPOTENCY_KEY_REUSED');
  }
  if (WRITES.has(r.method)) {
    add(429, 'RATE_LIMITED');
    add(409, 'CONCURRENT_UPDATE');
    headers[429] = ['Retry-After'];
    headers[409] = ['Retry-After'];
  }
  const responses: Record<string, Record<string, unknown>> = {};
  for (const [status, c] of Object.entries(codes)) responses[status] = asJsonSchema(problemResponse(Number(status), c, headers[Number(status)] ?? []));
  if (r.method === 'GET') responses['304'] = { description: 'Not Modified: the If-None-Match tag is still current (no body)', type: 'null' };
  return { responses };
};

/** Added after the zod provider ran: convert the problem schema the same way it does (output, 2020-12). */
const asJsonSchema = (r: ReturnType<typeof problemResponse>): Record<string, unknown> => ({
  ...r,
  content: Object.fromEntries(
    Object.entries(r.content).map(([type, { schema }]) => {
      const { $schema: _drop, ...json } = z.toJSONSchema(schema, { io: 'output', target: 'draft-2020-12' }) as Record<string, unknown>;
      return [type, { schema: json }];
    }),
  ),
});
