import { createVerifier, type Algorithm, type VerifierOptions } from 'fast-jwt';
import { problem } from '../problems/problem';
import { DEFAULT_KEY_ALGORITHMS, DEV_ALGORITHM, type AuthConfig } from './config';
import { createJwksKeyStore } from './jwks';
import { TokenClaims, type AuthUser } from './user';

export type VerifyToken = (token: string) => Promise<AuthUser>;

const unauthenticated = (detail: string) => problem('UNAUTHENTICATED', 401, detail, { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });

/**
 * Builds the token check for a configuration. Algorithms are always pinned (never what the token
 * header claims), so `alg: none` and HS256-with-a-public-key are refused; `exp` is required.
 */
export const createTokenVerifier = (config: AuthConfig): VerifyToken => {
  const common: Partial<VerifierOptions> = {
    requiredClaims: ['sub', 'role', 'exp'],
    clockTolerance: Math.min(config.clockToleranceSec ?? 30, 60) * 1000,
    ...(config.issuer ? { allowedIss: config.issuer } : {}),
    ...(config.audience ? { allowedAud: config.audience } : {}),
  };
  let verify: (token: string) => Promise<unknown>;
  switch (config.mode) {
    case 'dev-secret': {
      const v = createVerifier({ ...common, key: config.secret, algorithms: [DEV_ALGORITHM] });
      verify = async (t) => v(t);
      break;
    }
    case 'public-key': {
      const v = createVerifier({ ...common, key: config.publicKey, algorithms: config.algorithms as Algorithm[] });
      verify = async (t) => v(t);
      break;
    }
    case 'jwks': {
      const store = createJwksKeyStore(config.jwksUrl, config.cacheTtlMs !== undefined ? { cacheTtlMs: config.cacheTtlMs } : {});
      const v = createVerifier({
        ...common,
        algorithms: (config.algorithms ?? DEFAULT_KEY_ALGORITHMS) as Algorithm[],
        key: async (decoded: { header: Record<string, unknown> }) =>
          store.keyFor(decoded.header.kid as string | undefined, decoded.header.alg as string | undefined),
      });
      verify = (t) => v(t);
      break;
    }
  }
  return async (token) => {
    let payload: unknown;
    try {
      payload = await verify(token);
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw unauthenticated(code === 'FAST_JWT_EXPIRED' ? 'the token has expired' : 'the token is not valid');
    }
    const claims = TokenClaims.safeParse(payload);
    if (!claims.success) throw unauthenticated('the token lacks a valid sub or role claim');
    return { sub: claims.data.sub, role: claims.data.role };
  };
};

export const bearerToken = (header: string | undefined): string | undefined => {
  const m = header ? /^Bearer +([A-Za-z0-9\-_.~+/]+=*)$/i.exec(header.trim()) : null;
  return m?.[1];
};

export { unauthenticated };
