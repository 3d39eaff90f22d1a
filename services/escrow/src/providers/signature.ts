import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header of a signed sandbox webhook: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. */
export const SIGNATURE_HEADER = 'sandbox-signature';
export const DEV_WEBHOOK_SECRET = 'sandbox-dev-webhook-secret';
/** A signature older or newer than this is refused (replay of a captured request). */
export const DEFAULT_TOLERANCE_S = 300;

const mac = (secret: string, t: number, body: string): string => createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');

export const signWebhook = (secret: string, body: string, at: Date): string => {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${mac(secret, t, body)}`;
};

/** true only for a well-formed header whose v1 matches the body and whose t is within tolerance. */
export const verifyWebhook = (secret: string, body: string, header: string | undefined, now: Date, toleranceS = DEFAULT_TOLERANCE_S): boolean => {
  if (!header) return false;
  const parts = new Map(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isSafeInteger(t) || !/^[0-9a-f]{64}$/.test(v1)) return false;
  if (Math.abs(now.getTime() / 1000 - t) > toleranceS) return false;
  return timingSafeEqual(Buffer.from(v1, 'hex'), Buffer.from(mac(secret, t, body), 'hex'));
};
