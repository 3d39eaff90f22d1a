import type { AuthConfig } from '@bp/http';
import type { ServiceConfig } from './config';

/** Production verifies against a JWKS or a public key; the dev system uses a shared secret. */
export const authFromConfig = (c: ServiceConfig): AuthConfig => {
  if (c.JWT_JWKS_URL) return { mode: 'jwks', jwksUrl: c.JWT_JWKS_URL };
  if (c.JWT_PUBLIC_KEY) return { mode: 'public-key', publicKey: c.JWT_PUBLIC_KEY, algorithms: ['RS256', 'ES256'] };
  return { mode: 'dev-secret', secret: c.JWT_SECRET! };
};
