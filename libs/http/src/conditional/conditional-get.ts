import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import fp from 'fastify-plugin';

/**
 * A weak validator from the JSON body's bytes: equal bytes, equal tag. Weak, because it says
 * "this representation" rather than a resource version (If-Match takes only the version ETag).
 */
export const bodyEtag = (payload: string | Buffer): string => `W/"${createHash('sha256').update(payload).digest('base64url').slice(0, 27)}"`;

const opaque = (tag: string): string => tag.trim().replace(/^W\//, '');

/** RFC 9110 §13.1.2: If-None-Match uses the weak comparison; `*` matches any current representation. */
export const noneMatchHits = (header: string | undefined, etag: string): boolean => {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  const mine = opaque(etag);
  return header.split(',').some((t) => opaque(t) === mine);
};

const isJson = (contentType: unknown): boolean => typeof contentType === 'string' && /^application\/json\b/.test(contentType);

const addVary = (reply: FastifyReply, name: string): void => {
  const current = reply.getHeader('vary');
  const values = String(current ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  if (!values.some((v) => v.toLowerCase() === name.toLowerCase() || v === '*')) reply.header('vary', [...values, name].join(', '));
};

/**
 * ETag on every successful GET/HEAD of JSON and, on GET, 304 Not Modified for a matching If-None-Match.
 * A route that set its resource version (setVersionHeaders: `"<version>"`, which If-Match also
 * takes) keeps it; any other JSON body gets a hash of its bytes. Authenticated answers say
 * `Vary: Authorization` (a view's allowedActions differ per caller under one version) and
 * `Cache-Control: private, no-cache`: browsers may keep them but revalidate, shared caches may not.
 */
export const conditionalGetPlugin = fp(
  async (app) => {
    app.addHook('onSend', async (request, reply, payload) => {
      if ((request.method !== 'GET' && request.method !== 'HEAD') || reply.statusCode !== 200) return payload;
      let etag = reply.getHeader('etag');
      if (etag === undefined) {
        if (!isJson(reply.getHeader('content-type')) || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) return payload;
        etag = bodyEtag(payload);
        reply.header('etag', etag);
      }
      if (request.headers.authorization !== undefined) {
        addVary(reply, 'Authorization');
        if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'private, no-cache');
      }
      // HEAD has no body to save: it answers 200 with the ETag, which is what a client compares.
      if (request.method === 'HEAD' || !noneMatchHits(request.headers['if-none-match'], String(etag))) return payload;
      reply.code(304);
      reply.removeHeader('content-type');
      reply.removeHeader('content-length');
      return null;
    });
  },
  { name: '@bp/http/conditional-get', fastify: '5.x' },
);
