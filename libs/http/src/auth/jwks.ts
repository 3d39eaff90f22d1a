import { createPublicKey, type JsonWebKey } from 'node:crypto';
import buildGetJwks from 'get-jwks';

/**
 * The issuer's signing keys, through get-jwks (fetch, per-kid cache with TTL, the stale key kept
 * when a refetch fails); node:crypto turns the JWK into PEM (get-jwks' own converter takes a second
 * on the first EC key). One guard of ours on top: get-jwks fetches the set again for
 * every kid it has not cached, so a token with a made-up kid would cost a JWKS request each time;
 * after a miss, kids never seen before are refused without a fetch for `minRefetchMs`. Kids seen
 * before always go through (their cache expiry refetches), so forged kids cannot lock out real ones.
 */
export const createJwksKeyStore = (jwksUrl: string, o: { cacheTtlMs?: number; minRefetchMs?: number } = {}) => {
  const url = new URL(jwksUrl);
  const domain = url.origin;
  const jwks = buildGetJwks({ ttl: o.cacheTtlMs ?? 10 * 60_000, max: 100, jwksPath: `${url.pathname}${url.search}` });
  const minRefetch = o.minRefetchMs ?? 30_000;
  const known = new Set<string>();
  let lastMiss = Number.NEGATIVE_INFINITY;

  return {
    async keyFor(kid: string | undefined, alg: string | undefined): Promise<string> {
      if (!kid) throw new Error('token has no kid');
      if (!known.has(kid) && Date.now() - lastMiss < minRefetch) throw new Error('unknown kid');
      try {
        const jwk = await jwks.getJwk({ domain, kid, alg: alg as string });
        if (jwk.use !== undefined && jwk.use !== 'sig') throw new Error('the key of that kid is not a signing key');
        const pem = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })
          .export({ type: 'spki', format: 'pem' })
          .toString();
        known.add(kid);
        return pem;
      } catch (e) {
        if ((e as { code?: string }).code === 'JWK_NOT_FOUND') lastMiss = Date.now();
        throw e;
      }
    },
  };
};
