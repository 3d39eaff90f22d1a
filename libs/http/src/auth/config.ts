import type { Algorithm } from 'fast-jwt';

/** Checks every mode shares: RFC 8725 asks for issuer and audience where the issuer sets them. */
interface CommonAuth {
  issuer?: string;
  audience?: string;
  /** Allowed clock skew in seconds (≤ 60, RFC 8725 practice); default 30. */
  clockToleranceSec?: number;
}

export type AuthConfig =
  | (CommonAuth & { mode: 'dev-secret'; secret: string })
  | (CommonAuth & { mode: 'public-key'; publicKey: string; algorithms: AsymmetricAlgorithm[] })
  | (CommonAuth & { mode: 'jwks'; jwksUrl: string; algorithms?: AsymmetricAlgorithm[]; cacheTtlMs?: number });

/** Key modes never accept HMAC: HS256 "signed" with a public key is a classic forgery. */
export type AsymmetricAlgorithm = Extract<Algorithm, 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA'>;

export const DEV_ALGORITHM = 'HS256' as const;
export const DEFAULT_KEY_ALGORITHMS: AsymmetricAlgorithm[] = ['RS256', 'ES256'];
