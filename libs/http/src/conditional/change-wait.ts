import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Arrivals } from '../consistency/arrivals';

/**
 * A GET that waits for the next version instead of being polled (S3, "no polling"): a storefront
 * holding version n sends `If-None-Match: "n"` with `Prefer: wait=<seconds>` (RFC 7240) and gets the
 * answer once the resource is past n (200), or at the bound with nothing new (304, as without the
 * preference). Waiting holds no database connection: the request sleeps until its key is announced.
 */
export interface ChangeWait {
  /** The version the caller holds. */
  version: number;
  /** How long to wait for a newer one: the caller's preference, capped by the service's policy. */
  ms: number;
}

const WAIT = /(?:^|,)\s*wait\s*=\s*"?(\d{1,6})"?\s*(?:;|,|$)/i;
const VERSION_TAG = /^\s*(?:W\/)?"(\d{1,15})"\s*$/;

/** The wait a GET asks for, or undefined (no `Prefer: wait`, no single version tag in If-None-Match, or 0 s). */
export const changeWaitOf = (request: FastifyRequest, maxMs: number): ChangeWait | undefined => {
  const { prefer } = request.headers;
  const noneMatch = request.headers['if-none-match'];
  if (typeof prefer !== 'string' || typeof noneMatch !== 'string') return undefined;
  const wait = WAIT.exec(prefer)?.[1];
  const version = VERSION_TAG.exec(noneMatch)?.[1];
  if (wait === undefined || version === undefined) return undefined;
  const ms = Math.min(Number(wait) * 1000, maxMs);
  return ms > 0 ? { version: Number(version), ms } : undefined;
};

/** RFC 7240 §3: the preference was honoured, for at most this many seconds. */
export const preferenceApplied = (reply: FastifyReply, wait: ChangeWait): FastifyReply =>
  reply.header('preference-applied', `wait=${Math.ceil(wait.ms / 1000)}`);

/**
 * Loads until the version is past `wait.version`, woken by the announcement of `key` (the append's
 * NOTIFY), for at most `wait.ms`; then the last load (the same version: the route answers 304).
 */
export const nextVersion = async <T extends { version: number }>(arrivals: Arrivals, key: string, load: () => Promise<T>, wait: ChangeWait): Promise<T> => {
  let last: T | undefined;
  const attempt = async () => {
    last = await load();
    return last.version !== wait.version ? last : undefined;
  };
  return (await arrivals.until(key, attempt, wait.ms)) ?? last!;
};
