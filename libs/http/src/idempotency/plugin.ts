import { RequestTransaction, withRequestTransaction, type PrefetchRead, type RequestTransactionOwner } from '@bp/eventstore';
import { defaultPolicy, durationMs } from '@bp/timers';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions, preHandlerHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { Pool } from 'pg';
import { mapError } from '../problems/error-mapping';
import { PROBLEM_CONTENT_TYPE, problem } from '../problems/problem';
import { requestHash } from './request-hash';
import { createIdempotencyStore, type Claim, type ClaimResult, type IdempotencyStore, type StoredResponse } from './store';

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

/** This request's key: `owner` runs the handler in `rt` and stores its answer; `done`: nothing left to do. */
interface Owned {
  claim: Claim;
  rt: RequestTransaction;
  state: 'owner' | 'done';
  /** An expired or abandoned row holds the key: deleted in the commit that writes ours. */
  replaces: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * What an Idempotency-Key fingerprints: `body` (default: the parsed body, claimed before the
     * handler) or `parts` (multipart uploads: the handler reads its parts, then claims the key with
     * their fingerprint through claimIdempotencyKey, before it changes anything).
     */
    idempotency?: 'body' | 'parts';
    /**
     * The reads the handler will make first (its command's stream, say), sent with the key's claim in
     * one round trip (issue 18 item 2); the request's first statement that asks for one is answered
     * at once. Only with an Idempotency-Key on a pipelined pool: otherwise they are read as usual.
     */
    prefetch?: (request: FastifyRequest) => PrefetchRead[];
  }
}

/** One uploaded part as a request fingerprint sees it: the file's bytes by their (streamed) hash. */
export interface PartFingerprint {
  name: string;
  filename: string | undefined;
  contentType: string | undefined;
  sha256: string;
}

const kOwned = Symbol('bp.idempotency.owned');
const kDeferred = Symbol('bp.idempotency.deferred');
/** The request's transaction, made before its handler runs (for a deferred claim: before the claim). */
const kTransaction = Symbol('bp.idempotency.transaction');
type WithClaim = FastifyRequest & {
  [kOwned]?: Owned;
  [kDeferred]?: (parts: PartFingerprint[]) => Promise<boolean>;
  [kTransaction]?: RequestTransaction;
};

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

const inFlight = () =>
  problem('IDEMPOTENCY_KEY_IN_FLIGHT', 409, 'a request with this Idempotency-Key is still being processed', { headers: { 'retry-after': '1' } });

/**
 * Claims `key` for the request fingerprinted by `hash`, in the request's own transaction (BEGIN, the
 * key's lock and its row in one round trip): true = run the handler; false = the stored answer was
 * replayed. A claim made again later (after the transaction was given back during a wait) that
 * finds the key taken answers 409 IN_FLIGHT: the other request runs, this one changed nothing.
 */
const claimFor =
  (pool: Pool, store: IdempotencyStore) =>
  async (request: FastifyRequest, reply: FastifyReply, key: string, hash: string): Promise<boolean> => {
    const claim: Claim = { principal: principalOf(request), key, method: request.method, path: request.url, hash };
    const rt = (request as WithClaim)[kTransaction] ?? new RequestTransaction(pool);
    /** What the first claim found (the check runs inside rt.claim, and again whenever the transaction is opened anew). */
    const seen: { first?: ClaimResult } = {};
    const owned: Owned = { claim, rt, state: 'owner', replaces: false };
    const owner: RequestTransactionOwner = {
      opening: () =>
        rt.committedEarly
          ? undefined // the key is a committed row now: nobody else can claim it
          : {
              text: store.claimStatements(claim),
              check: (results) => {
                const r = store.claimResult(claim, results);
                if (seen.first && r.kind !== 'owner') throw inFlight();
                seen.first ??= r;
                if (r.kind === 'owner') owned.replaces = r.replaces;
              },
            },
      earlyCommit: () => store.committedStatement(claim, owned.replaces),
    };
    await rt.claim(owner, request.routeOptions.config.prefetch?.(request));
    const outcome: ClaimResult = seen.first ?? { kind: 'in_flight' };
    switch (outcome.kind) {
      case 'owner':
        (request as WithClaim)[kOwned] = owned;
        return true;
      case 'replay':
        await rt.end();
        await replay(reply, outcome.response);
        return false;
      case 'mismatch':
        await rt.end();
        throw problem('IDEMPOTENCY_KEY_REUSED', 422, 'this Idempotency-Key was used with a different request');
      case 'in_flight':
        await rt.end();
        throw inFlight();
      case 'answer_lost':
        await rt.end();
        throw problem(
          'IDEMPOTENCY_KEY_ANSWER_LOST',
          409,
          'the request with this Idempotency-Key was carried out, but its answer was lost; read the resource to see its state (it is not carried out again)',
        );
    }
  };

const guardFor = (pool: Pool, store: IdempotencyStore) => {
  const claim = claimFor(pool, store);
  return async function idempotencyGuard(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const key = validKey(request);
    if (key === undefined) return; // a POST without a key proceeds normally
    if (request.routeOptions.config.idempotency === 'parts') {
      // The parts are not read yet: the handler claims once it has their fingerprint.
      (request as WithClaim)[kTransaction] = new RequestTransaction(pool);
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
 * Runs the rest of the request (the handler, onSend) as the owner of its transaction: every
 * withTransaction the handler runs joins it, so the effects commit with the stored answer.
 */
const requestScope: preHandlerHookHandler = function idempotencyScope(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const rt = (request as WithClaim)[kOwned]?.rt ?? (request as WithClaim)[kTransaction];
  if (rt) return withRequestTransaction(rt, () => done());
  done();
};

const appendPreHandlers = (route: RouteOptions, handlers: preHandlerHookHandler[]): void => {
  const existing = route.preHandler;
  route.preHandler = existing === undefined ? handlers : Array.isArray(existing) ? [...existing, ...handlers] : [existing, ...handlers];
};

/**
 * The answer `payload` in place of the request's own when its commit failed: nothing it did stands
 * (or, after an early commit, not all of it), so its success must not be reported. Mapped like any
 * failure (a database that went away is 503 with Retry-After, anything else 500).
 */
const failedCommit = (request: FastifyRequest, reply: FastifyReply, err: unknown): string => {
  const mapped = mapError(err, request.url.split('?')[0] ?? request.url);
  for (const h of STORED_HEADERS) reply.removeHeader(h);
  reply.code(mapped.problem.status).headers(mapped.headers).type(PROBLEM_CONTENT_TYPE);
  return JSON.stringify(mapped.problem);
};

/**
 * Idempotency-Key on POSTs (API.md), in one transaction per request (issue 18 item 2). The guard is
 * appended as the route's last preHandler, so it runs after authentication, validation and role
 * checks: refused or malformed requests never claim a key. It opens the request's transaction with
 * the claim; the handler's transactions join it; onSend commits it with the key's row and the final
 * answer (isFinalAnswer), so effects and answer commit together, or neither does. A 5xx or an answer
 * with Retry-After rolls the request back and leaves the key free for a retry. A request that
 * committed early (commitPending: it calls a payment provider next) keeps a committed key: a retry
 * then answers IN_FLIGHT, or ANSWER_LOST once that request failed.
 */
export const idempotencyPlugin = fp<IdempotencyOptions>(
  async (app, o) => {
    const store = createIdempotencyStore(o.pool, o.schema, {
      ttlMs: durationMs(o.ttl ?? defaultPolicy.api.idempotencyKeyTtl),
      inFlightTimeoutMs: o.inFlightTimeoutMs ?? 5 * 60_000,
    });
    const guard = guardFor(o.pool, store) as preHandlerHookHandler;
    let claims = 0;

    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      if (methods.includes('POST')) appendPreHandlers(route, [guard, requestScope]);
    });

    /** Commits the request with its answer, or rolls it back; the payload to send (a failure replaces it). */
    const finish = async (request: FastifyRequest, reply: FastifyReply, owned: Owned, payload: unknown): Promise<unknown> => {
      const { claim, rt } = owned;
      const final = isFinalAnswer(reply.statusCode, reply.getHeader('retry-after'));
      const stored = final ? toStored(reply, payload) : undefined;
      if (!final) {
        await rt.end();
        // Effects committed early stay: the key must never run them again.
        if (rt.committedEarly)
          await store.answerLost(claim).catch((err: unknown) => request.log.warn({ err }, 'idempotency key could not be marked answer-lost'));
        return payload;
      }
      const failed = (err: unknown) => {
        request.log.error({ err }, 'the request could not commit; its answer is replaced by the failure');
        return failedCommit(request, reply, err);
      };
      if (!rt.committedEarly) {
        try {
          await rt.commit(stored ? store.answeredStatement(claim, owned.replaces, stored) : store.committedStatement(claim, owned.replaces, true));
        } catch (err) {
          return failed(err); // nothing it did stands, the key is free
        }
      } else if (rt.isOpen) {
        try {
          await rt.commit(stored ? store.completeStatement(claim, stored) : store.answerLostStatement(claim));
        } catch (err) {
          // What it committed early stands, the rest is gone: never run again for this key.
          await store.answerLost(claim).catch(() => undefined);
          return failed(err);
        }
      } else {
        await rt.end();
        try {
          if (stored) await store.complete(claim, stored);
          else await store.answerLost(claim);
        } catch (err) {
          // All its effects are committed; only recording the answer failed (the database went away
          // after the request ran): the answer stands. The key stays 'committed', so a retry gets
          // IN_FLIGHT, then ANSWER_LOST after the lease, exactly as when the process dies here.
          request.log.warn({ err }, 'idempotency answer could not be recorded; the key stays committed');
        }
      }
      return payload;
    };

    app.addHook('onSend', async (request, reply, payload) => {
      const owned = (request as WithClaim)[kOwned];
      if (!owned || owned.state !== 'owner') return payload;
      owned.state = 'done';
      const sent = await finish(request, reply, owned, payload);
      if (++claims % SWEEP_EVERY === 0) {
        store.sweep().catch((err: unknown) => request.log.warn({ err }, 'idempotency sweep failed'));
      }
      return sent;
    });

    // A client that goes away does not end the request: its handler runs on and onSend commits the
    // answer (a resend replays it) or rolls back. Should a request end without onSend (a hijacked
    // reply), its transaction is rolled back here rather than left holding the key.
    const endIfPending = async (request: FastifyRequest) => {
      const pending = (request as WithClaim)[kTransaction];
      if (pending && !(request as WithClaim)[kOwned]) await pending.end(); // a deferred claim never made
      const owned = (request as WithClaim)[kOwned];
      if (!owned || owned.state !== 'owner') return;
      owned.state = 'done';
      await owned.rt.end();
      if (owned.rt.committedEarly) await store.answerLost(owned.claim).catch((err: unknown) => request.log.warn({ err }, 'idempotency release failed'));
    };
    app.addHook('onResponse', endIfPending);
  },
  { name: '@bp/http/idempotency', fastify: '5.x' },
);
