import { parseIfMatch, problem } from '@bp/http';
import { isVersionConflict } from '@bp/eventstore';
import type { FastifyRequest } from 'fastify';

/** If-Match honoured: a stale version is 412; a race lost without If-Match (after retries) is 409. */
export const withVersionCheck = async <T>(req: FastifyRequest, fn: (expectedVersion: number | undefined) => Promise<T>): Promise<T> => {
  const expected = parseIfMatch(req);
  try {
    return await fn(expected);
  } catch (e) {
    if (!isVersionConflict(e)) throw e;
    if (expected !== undefined) throw problem('VERSION_MISMATCH', 412, `the dispute is no longer at version ${expected}`);
    throw problem('CONCURRENT_UPDATE', 409, 'the dispute changed concurrently; retry');
  }
};
