import { withCommitHook } from '@bp/eventstore';
import { defaultPolicy, durationMs } from '@bp/timers';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions, preHandlerHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { Pool } from 'pg';
import { problem } from '../problems/problem';
import { requestHash } from './request-hash';
import { createIdempotencyStore, type IdempotencyStore, type StoredResponse } from './store';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';
const MAX_KEY_LENGTH = 255;
/** Headers that belong to the stored response; per-request ones (ids, rate limit) are not replayed. */
const STORED_HEADERS = ['content-type', 'location', 'etag', 'content-location'];
const SWEEP_EVERY = 100;

/**
 * Which answers a key keeps (S3). A 5xx is our failure, and an answer carrying Retry-After says by
 * itself that it is not the last word (e.g. 404 ESCROW_ORDER_UNKNOWN for an order this service has
 * not heard of yet, while the OrderPlaced is still on its way): neither is stored, the key is
 * released and the same request with the same key is carried out again later. Every other answer
 * is final and replayed.
 */
export const isFinalAnswer = (status: number, retryAfter: unknown): boolean => status < 500 && retryAfter === undefined;

export interface IdempotencyOptions {
  pool: Pool;
  schema: string;
  /** ISO-8601; default policy `api.idempotencyKeyTtl` (24 h). */
  ttl?: string;
  /** An in-flight record older than this is considered abandoned (its process died). */
  inFlightTimeoutMs?: number;
}

interface Claim {
  principal: string;
  key: string;
  /** owner: this request runs the handler and stores its response; done: nothing left to do. */
  state: 'owner' | 'done';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * What an Idempotency-Key fingerprints: `body` (default: the parsed body, claimed before the
     * handler) or `parts` (multipart uploads: the handler reads its parts, then claims the key with
     * their fingerprint through claimIdempotencyKey, before it changes anything).
     */
    idempotency?: 'body' | 'parts';
  }
}

/** One uploaded part as a request fingerprint sees it: the file's bytes by their (streamed) hash. */
export interface PartFingerprint {
  name: string;
  filename: string | undefined;
  contentType: string | undefined;
  sha256: string;
}

const kClaim = Symbol('bp.idempotency.claim');
const kDeferred = Symbol('bp.idempotency.deferred');
type WithClaim = FastifyRequest & { [kClaim]?: Claim; [kDeferred]?: (parts: PartFingerprint[]) => Promise<boolean> };

const principalOf = (request: FastifyRequest): string => (request.user ? `user:${request.user.sub}` : 'anonymous');

const headerOf = (request: FastifyRequest): string | undefined => {
  const v = request.headers[IDEMPOTENCY_KEY_HEADER];
  return Array.isArray(v) ? v[0] : v;
};

const toStored = (reply: FastifyReply, payload: unknown): StoredResponse | undefined => {
  const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : payload == null ? '' : undefined;
  if (text === undefined) return undefined; // a stream cannot be stored
  const headers: Record<string, string> = {};
  for (const h of STORED_HEADERS) {
    const v = reply.getHeader(h);
    if (v !== undefined) headers[h] = String(v);
  }
  const isJson = (headers['content-type'] ?? '').includes('json');
  let body: unknown = text === '' ? null : text;
  if (isJson && text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: reply.statusCode, body, headers };
};

const replay = (reply: FastifyReply, r: StoredResponse): FastifyReply => {
  const isJson = (r.headers['content-type'] ?? '').includes('json');
  const payload = r.body === null ? '' : isJson ? JSON.stringify(r.body) : String(r.body);
  return reply.code(r.status).headers(r.headers).header(REPLAYED_HEADER, 'true').send(payload);
};

const validKey = (request: FastifyRequest): string | undefined => {
  const key = headerOf(request);
  if (key !== undefined && (key.length === 0 || key.length > MAX_KEY_LENGTH)) {
    throw problem('INVALID_IDEMPOTENCY_KEY', 400, `Idempotency-Key must be 1..${MAX_KEY_LENGTH} characters`);
  }
  return key;
};

/** Claims `key` for the request fingerprinted by `hash`: true = run the handler; false = the stored answer was replayed. */
const claimFor = (store: IdempotencyStore) =>
  async (request: FastifyRequest, reply: FastifyReply, key: string, hash: string): Promise<boolean> => {
    const principal = principalOf(request);
    const result = await store.begin({ principal, key, method: request.method, path: request.url, hash });
    switch (result.kind) {
      case 'owner':
        (request as WithClaim)[kClaim] = { principal, key, state: 'owner' };
        return true;
      case 'replay':
        await replay(reply, result.response);
        return false;
      case 'mismatch':
        throw problem('IDEMPOTENCY_KEY_REUSED', 422, 'this Idempotency-Key was used with a different request');
      case 'in_flight':
        throw problem('IDEMPOTENCY_KEY_IN_FLIGHT', 409, 'a request with this Idempotency-Key is still being processed', {
          headers: { 'retry-after': '1' },
        });
      case 'answer_lost':
        throw problem(
          'IDEMPOTENCY_KEY_ANSWER_LOST',
          409,
          'the request with this Idempotency-Key was carried out, but its answer was lost; read the resource to see its state (it is not carried out again)',
        );
    }
  };

const guardFor = (store: IdempotencyStore) => {
  const claim = claimFor(store);
  return async function idempotencyGuard(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const key = validKey(request);
    if (key === undefined) return; // a POST without a key proceeds normally
    if (request.routeOptions.config.idempotency === 'parts') {
      // The parts are not read yet: the handler claims once it has their fingerprint.
      (request as WithClaim)[kDeferred] = (parts) => claim(request, reply, key, requestHash(request.method, request.url, { parts }));
      return;
    }
    await claim(request, reply, key, requestHash(request.method, request.url, request.body));
  };
};

/**
 * For routes with `config.idempotency: 'parts'`: claims the request's Idempotency-Key with the
 * fingerprint of its uploaded parts (field name, file name, declared type, sha256 of the bytes, in
 * order), so the same key with other files is 422 IDEMPOTENCY_KEY_REUSED and with the same files a
 * replay. Call it after reading the parts, before changing anything. True: go on; false: the stored
 * answer was sent (return the reply). Without a key it is always true.
 */
export const claimIdempotencyKey = async (request: FastifyRequest, parts: PartFingerprint[]): Promise<boolean> => {
  const deferred = (request as WithClaim)[kDeferred];
  if (!deferred) return true;
  (request as WithClaim)[kDeferred] = undefined;
  return deferred(parts);
};

/**
 * Runs the rest of the request (the handler) with a commit hook: whatever transaction it commits
 * marks the key 'committed' in that same commit (the statement rides with its COMMIT: no round trip
 * of its own). A crash or a 5xx after that point can no longer free the key for a retry that would
 * repeat the effects.
 */
const commitMarkerFor = (store: IdempotencyStore): preHandlerHookHandler =>
  function idempotencyCommitMarker(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
    const claim = (request as WithClaim)[kClaim];
    if (claim?.state === 'owner') return withCommitHook(async (tx) => store.markCommittedStatement(tx, claim.principal, claim.key), () => done());
    // A key the handler claims later (parts): the hook looks at the claim when the commit comes.
    if ((request as WithClaim)[kDeferred]) {
      return withCommitHook(async (tx) => {
        const later = (request as WithClaim)[kClaim];
        return later?.state === 'owner' ? store.markCommittedStatement(tx, later.principal, later.key) : undefined;
      }, () => done());
    }
    done();
  };

const appendPreHandlers = (route: RouteOptions, handlers: preHandlerHookHandler[]): void => {
  const existing = route.preHandler;
  route.preHandler = existing === undefined ? handlers : Array.isArray(existing) ? [...existing, ...handlers] : [existing, ...handlers];
};

/**
 * Idempotency-Key on POSTs (API.md). The guard is appended as the route's last preHandler, so it
 * runs after authentication, validation and role checks: refused or malformed requests never claim
 * a key. Final answers (isFinalAnswer) are stored and replayed; a 5xx or an answer with Retry-After
 * releases the key so the client may retry, unless the request had already committed effects (see
 * commitMarkerFor).
 */
export const idempotencyPlugin = fp<IdempotencyOptions>(
  async (app, o) => {
    const store = createIdempotencyStore(o.pool, o.schema, {
      ttlMs: durationMs(o.ttl ?? defaultPolicy.api.idempotencyKeyTtl),
      inFlightTimeoutMs: o.inFlightTimeoutMs ?? 5 * 60_000,
    });
    const guard = guardFor(store) as preHandlerHookHandler;
    const marker = commitMarkerFor(store);
    let claims = 0;

    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      if (methods.includes('POST')) appendPreHandlers(route, [guard, marker]);
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const claim = (request as WithClaim)[kClaim];
      if (!claim || claim.state !== 'owner') return payload;
      claim.state = 'done';
      const stored = isFinalAnswer(reply.statusCode, reply.getHeader('retry-after')) ? toStored(reply, payload) : undefined;
      try {
        if (stored) await store.complete(claim.principal, claim.key, stored);
        else await store.release(claim.principal, claim.key);
      } catch (err) {
        // The database went away after the request ran (a crash, a restart): the answer still
        // stands, it is what the request did. Throwing here would replace it with Fastify's bare
        // 500 carrying the driver's message (hosts, ports). The key stays claimed until the
        // in-flight timeout, exactly as when the process dies at this point.
        request.log.warn({ err }, 'idempotency key could not be recorded; it stays in flight until its timeout');
      }
      if (++claims % SWEEP_EVERY === 0) {
        store.sweep().catch((err: unknown) => request.log.warn({ err }, 'idempotency sweep failed'));
      }
      return payload;
    });

    // The response never reached onSend (client gone): free the key rather than block it.
    const releaseIfPending = async (request: FastifyRequest) => {
      const claim = (request as WithClaim)[kClaim];
      if (!claim || claim.state !== 'owner') return;
      claim.state = 'done';
      await store.release(claim.principal, claim.key).catch((err: unknown) => request.log.warn({ err }, 'idempotency release failed'));
    };
    app.addHook('onResponse', releaseIfPending);
    app.addHook('onRequestAbort', releaseIfPending);
  },
  { name: '@bp/http/idempotency', fastify: '5.x' },
);
