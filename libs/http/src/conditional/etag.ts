import type { FastifyReply, FastifyRequest } from 'fastify';
import { problem } from '../problems/problem';

/** A view's stream version as its strong ETag (API.md: `version` doubles as the ETag). */
export const setVersionHeaders = (reply: FastifyReply, version: number): FastifyReply => reply.header('etag', `"${version}"`);

/**
 * The version the caller expects, from `If-Match: "<n>"` (weak `W/"<n>"` accepted too).
 * `undefined` when absent or `*`; anything else unparseable is a 400, not silently ignored.
 */
export const parseIfMatch = (request: FastifyRequest): number | undefined => {
  const raw = request.headers['if-match'];
  if (raw === undefined || raw.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"(\d{1,15})"\s*$/.exec(raw);
  if (!m?.[1]) throw problem('INVALID_IF_MATCH', 400, 'If-Match must be a single ETag like "3"');
  return Number(m[1]);
};
