import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Issue 19: a route must never answer a status, content type or body its OpenAPI document does not
 * declare. With this plugin on (tests, harnesses), every real answer is checked against the
 * service's own /docs/json (JSON Schema 2020-12, ajv) and what does not match is recorded here; the
 * test harnesses assert the list is empty when they stop. Off in production: it only records.
 */
export interface ResponseViolation {
  service: string;
  /** `POST /orders/{orderId}/cancel` as the document names the operation. */
  operation: string;
  status: number;
  problem: 'undeclared status' | 'undeclared content type' | 'body does not match' | 'body expected' | 'body not JSON';
  detail: string;
}

const recorded: ResponseViolation[] = [];
let checked = 0;
let enabledForProcess = false;

/** Turns validation on for every service app created afterwards in this process (test harnesses). */
export const enableResponseValidation = (): void => {
  enabledForProcess = true;
};

export const responseValidationEnabled = (env: NodeJS.ProcessEnv = process.env): boolean => enabledForProcess || env.HTTP_VALIDATE_RESPONSES === '1';

/** Violations recorded so far by every validating app of this process. */
export const responseViolations = (): readonly ResponseViolation[] => [...recorded];

/** How many answers were checked so far (a harness can assert the check ran at all). */
export const responsesChecked = (): number => checked;

/** Formats the list for a test failure message. */
export const describeViolations = (vs: readonly ResponseViolation[]): string =>
  vs.map((v) => `${v.service} ${v.operation} -> ${v.status}: ${v.problem}: ${v.detail}`).join('\n');

type Json = Record<string, unknown>;
interface Declared {
  /** null: declared without a body. */
  content: Record<string, ValidateFunction | null> | null;
}

/** Fastify's `/orders/:orderId` is OpenAPI's `/orders/{orderId}`. */
export const openApiPath = (url: string): string => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

const mediaType = (header: unknown): string | undefined => (typeof header === 'string' ? header.split(';')[0]!.trim().toLowerCase() : undefined);

/** Compiles the document's responses once (ajv, 2020-12, formats); `$ref`s resolve into its components. */
const indexDocument = (doc: Json): Map<string, Map<string, Declared>> => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const DOC_ID = 'urn:bp:openapi';
  ajv.addSchema({ $id: DOC_ID, components: (doc.components ?? {}) as Json });
  const withDocRefs = (schema: unknown): Json =>
    JSON.parse(JSON.stringify(schema ?? {}), (k, v: unknown) =>
      k === '$ref' && typeof v === 'string' && v.startsWith('#/components/') ? `${DOC_ID}${v}` : v,
    ) as Json;
  const index = new Map<string, Map<string, Declared>>();
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(item)) {
      const byStatus = new Map<string, Declared>();
      for (const [status, response] of Object.entries((op.responses ?? {}) as Record<string, Json>)) {
        const content = response.content as Record<string, { schema?: unknown }> | undefined;
        byStatus.set(status, {
          content: content
            ? Object.fromEntries(
                Object.entries(content).map(([type, media]) => [type.toLowerCase(), media.schema ? ajv.compile(withDocRefs(media.schema)) : null]),
              )
            : null,
        });
      }
      index.set(`${method.toUpperCase()} ${path}`, byStatus);
    }
  }
  return index;
};

type Finding = Pick<ResponseViolation, 'problem' | 'detail'>;

const declaredFor = (declared: Map<string, Declared>, status: number): Declared | undefined =>
  declared.get(String(status)) ?? declared.get(`${String(status)[0]}XX`) ?? declared.get('default');

/** The status and content type as the answer leaves (after conditional GET may have made it a 304). */
const checkEnvelope = (declared: Map<string, Declared>, reply: FastifyReply, payload: unknown, method: string): Finding | undefined => {
  const status = reply.statusCode;
  const d = declaredFor(declared, status);
  if (!d) return { problem: 'undeclared status', detail: `declared: ${[...declared.keys()].join(', ')}` };
  const hasBody = payload !== null && payload !== undefined && payload !== '' && method !== 'HEAD';
  if (!d.content)
    return hasBody && status !== 304
      ? { problem: 'undeclared content type', detail: `declared without a body, sent ${String(reply.getHeader('content-type'))}` }
      : undefined;
  if (!hasBody) return method === 'HEAD' ? undefined : { problem: 'body expected', detail: `declared ${Object.keys(d.content).join(', ')}` };
  const type = mediaType(reply.getHeader('content-type'));
  if (!type || !(type in d.content))
    return { problem: 'undeclared content type', detail: `sent ${String(type)}, declared ${Object.keys(d.content).join(', ')}` };
  return undefined;
};

/**
 * The body as the handler handed it over, before a zod serializer drops undeclared fields or turns
 * a mismatch into a 500: that is what the document must describe.
 */
const checkBody = (declared: Map<string, Declared>, status: number, contentType: unknown, body: unknown): Finding | undefined => {
  const d = declaredFor(declared, status);
  const type = mediaType(contentType) ?? 'application/json';
  const validate = d?.content?.[type];
  if (!validate) return undefined; // the envelope check reports what is missing
  if (validate(JSON.parse(JSON.stringify(body)))) return undefined;
  const errors = (validate.errors ?? [])
    .slice(0, 5)
    .map(
      (e) => `${e.instancePath || '/'} ${e.message ?? ''}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
    );
  return { problem: 'body does not match', detail: `${errors.join('; ')} in ${JSON.stringify(body).slice(0, 300)}` };
};

const parseJson = (payload: unknown): { ok: true; body: unknown } | { ok: false } => {
  if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return { ok: false };
  try {
    return { ok: true, body: JSON.parse(payload.toString()) };
  } catch {
    return { ok: false };
  }
};

const kChecked = Symbol('bp.response-validation.body-checked');

/**
 * Registered last by createServiceApp (after conditional GET, which may turn a 200 into a 304), so
 * it sees the answer as it leaves. Routes the document hides (docs UI, health, metrics) and unknown
 * URLs are not checked.
 */
export const responseValidationPlugin = fp<{ service: string }>(
  async (app: FastifyInstance, o) => {
    let index: Map<string, Map<string, Declared>> | undefined;
    const indexOf = () => (index ??= indexDocument((app as unknown as { swagger: () => Json }).swagger()));
    const record = (request: FastifyRequest, operation: string, status: number, f: Finding) => {
      const violation: ResponseViolation = { service: o.service, operation, status, ...f };
      recorded.push(violation);
      request.log.warn({ violation }, 'response not declared by the OpenAPI document');
    };
    const declaredOf = (request: FastifyRequest) => {
      const url = request.routeOptions.url;
      if (request.is404 || !url) return undefined;
      const operation = `${request.method === 'HEAD' ? 'GET' : request.method} ${openApiPath(url)}`;
      const declared = indexOf().get(operation);
      return declared ? { operation, declared } : undefined;
    };
    app.addHook('preSerialization', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const found = declaredOf(request);
      if (!found || payload === null || typeof payload !== 'object') return payload;
      (request as unknown as Record<symbol, boolean>)[kChecked] = true;
      const f = checkBody(found.declared, reply.statusCode, reply.getHeader('content-type'), payload);
      if (f) record(request, found.operation, reply.statusCode, f);
      return payload;
    });
    app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const found = declaredOf(request);
      if (!found) return payload;
      checked += 1;
      const envelope = checkEnvelope(found.declared, reply, payload, request.method);
      if (envelope) return (record(request, found.operation, reply.statusCode, envelope), payload);
      // Bodies sent as text (replays of an Idempotency-Key, pre-serialized problems) are parsed here.
      const type = mediaType(reply.getHeader('content-type'));
      if ((request as unknown as Record<symbol, boolean>)[kChecked] || reply.statusCode === 304 || !type || !/json/.test(type)) return payload;
      const parsed = parseJson(payload);
      if (!parsed.ok) {
        if (typeof payload === 'string' || Buffer.isBuffer(payload))
          record(request, found.operation, reply.statusCode, { problem: 'body not JSON', detail: payload.toString().slice(0, 200) });
        return payload;
      }
      const f = checkBody(found.declared, reply.statusCode, type, parsed.body);
      if (f) record(request, found.operation, reply.statusCode, f);
      return payload;
    });
  },
  { name: '@bp/http/response-validation', fastify: '5.x' },
);
