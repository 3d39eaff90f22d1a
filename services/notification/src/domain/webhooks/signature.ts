import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Partner webhook signatures (N4): `Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`.
 * The timestamp is signed so a captured delivery cannot be replayed after the tolerance.
 */
export const signWebhook = (secret: string, body: string, unixSeconds: number): string =>
  `t=${unixSeconds},v1=${createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')}`;

export type SignatureCheck = 'valid' | 'malformed' | 'stale' | 'mismatch';

export const verifyWebhook = (secret: string, body: string, header: string, nowUnixSeconds: number, toleranceSeconds: number): SignatureCheck => {
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || !/^[0-9a-f]{64}$/.test(parts.v1)) return 'malformed';
  if (Math.abs(nowUnixSeconds - t) > toleranceSeconds) return 'stale';
  const expected = Buffer.from(signWebhook(secret, body, t).split('v1=')[1]!, 'hex');
  return timingSafeEqual(expected, Buffer.from(parts.v1, 'hex')) ? 'valid' : 'mismatch';
};
