// Hand-made JWTs for the negative cases (RFC 8725): each differs from a valid token in exactly one
// way, and `valid` proves the signer itself is right (the service accepts it), so a 401 on the
// others is the verifier's doing, not a broken test token.
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

export const hs256 = (payload: object, secret: string, header: object = { alg: 'HS256', typ: 'JWT' }): string => {
  const head = `${b64(header)}.${b64(payload)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
};

const rsaKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

export const badTokens = (secret: string, claims: { sub: string; role: string }): Record<string, string> => {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + 3600;
  const unsigned = (header: object, payload: object) => `${b64(header)}.${b64(payload)}.`;
  const rs256Head = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ ...claims, exp })}`;
  return {
    expired: hs256({ ...claims, iat: now - 7200, exp: now - 3600 }, secret),
    'wrong key': hs256({ ...claims, exp }, `${secret}-not-ours`),
    'alg none': unsigned({ alg: 'none', typ: 'JWT' }, { ...claims, exp }),
    'alg none, HS256 signature kept': `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, exp })}.${hs256({ ...claims, exp }, secret).split('.')[2]}`,
    'RS256 by an unknown key': `${rs256Head}.${sign('sha256', Buffer.from(rs256Head), rsaKey).toString('base64url')}`,
    'missing sub': hs256({ role: claims.role, exp }, secret),
    'missing role': hs256({ sub: claims.sub, exp }, secret),
    'unknown role': hs256({ sub: claims.sub, role: 'admin', exp }, secret),
    'missing exp': hs256({ ...claims }, secret),
    'tampered payload': (() => {
      const [h, , s] = hs256({ ...claims, exp }, secret).split('.');
      return `${h}.${b64({ ...claims, role: 'ops', exp })}.${s}`;
    })(),
    garbage: 'not-a-jwt',
  };
};
