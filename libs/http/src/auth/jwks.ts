import { createPublicKey, type JsonWebKey } from 'node:crypto';

interface Jwk extends JsonWebKey {
  kid?: string;
  use?: string;
}

/**
 * Minimal JWKS client: fetches the set, caches PEMs by kid, and refetches (at most once per
 * `minRefetchMs`) when an unknown kid shows up, which is how key rotation becomes visible.
 */
export const createJwksKeyStore = (jwksUrl: string, o: { cacheTtlMs?: number; minRefetchMs?: number; fetchImpl?: typeof fetch } = {}) => {
  const ttl = o.cacheTtlMs ?? 10 * 60_000;
  const minRefetch = o.minRefetchMs ?? 30_000;
  const doFetch = o.fetchImpl ?? fetch;
  let keys = new Map<string, string>();
  let fetchedAt = 0;
  let inflight: Promise<void> | undefined;

  const refresh = async (): Promise<void> => {
    const res = await doFetch(jwksUrl, { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`JWKS fetch failed: ${res.status}`);
    const body = (await res.json()) as { keys?: Jwk[] };
    const next = new Map<string, string>();
    for (const jwk of body.keys ?? []) {
      if (!jwk.kid || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
      next.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString());
    }
    keys = next;
    fetchedAt = Date.now();
  };

  const refreshOnce = (): Promise<void> => {
    inflight ??= refresh().finally(() => {
      inflight = undefined;
    });
    return inflight;
  };

  return {
    async keyFor(kid: string | undefined): Promise<string> {
      if (!kid) throw new Error('token has no kid');
      const age = Date.now() - fetchedAt;
      if (age > ttl || (!keys.has(kid) && age > minRefetch)) await refreshOnce();
      const pem = keys.get(kid);
      if (!pem) throw new Error('unknown kid');
      return pem;
    },
  };
};
