import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { SeenStore } from './seen-store';

/**
 * Verifying one partner webhook delivery (N4), in this order: headers well-formed, timestamp inside
 * the tolerance (past and future), signature by one of the current secrets (constant-time), body a
 * CloudEvent, and only then the seen-delivery store, so unsigned traffic can never fill or poison it.
 * Self-contained (node:crypto only) so a partner can copy this file and seen-store.ts as they are.
 */

export const DEFAULT_TOLERANCE_SECONDS = 300;

/** What the handler gets: the parsed CloudEvent of a verified, first-seen delivery. */
export interface VerifiedDelivery {
  /** `Webhook-Id`: the same for every retry of one delivery. */
  deliveryId: string;
  /** The CloudEvent id (`ce-id`): dedupe business effects by it (a redelivery after the tolerance is new here). */
  id: string;
  type: string;
  source?: string;
  subject?: string;
  time?: string;
  data: unknown;
  /** The signed timestamp. */
  signedAt: Date;
}

export type RefusalReason = 'malformed_header' | 'malformed_body' | 'stale' | 'bad_signature';

export type Verdict =
  /** Process it, then call `done()`; if processing fails call `release()` so the retry is processed. */
  | { outcome: 'process'; status: 200; delivery: VerifiedDelivery; done(): Promise<void>; release(): Promise<void> }
  /**
   * A genuine copy of a delivery already handled (200: acknowledge so the sender stops retrying) or
   * being handled right now (409: not acknowledged, so a failure of the first copy is still retried).
   */
  | { outcome: 'duplicate'; status: 200 | 409; reason: 'replayed' | 'in_progress'; deliveryId: string }
  | { outcome: 'refused'; status: 400 | 401; reason: RefusalReason; deliveryId?: string };

export type HeaderBag = Record<string, string | readonly string[] | undefined>;

export interface VerifyInput {
  /** Current and previous secrets during a rotation; any one of them may have signed. */
  secrets: readonly string[];
  headers: HeaderBag;
  /** The body exactly as received: re-serialised JSON would not match the signature. */
  rawBody: Buffer | string;
  now: Date;
  toleranceSeconds?: number;
  seen: SeenStore;
}

const MAX_HEADER = 2048;
const MAX_SIGNATURES = 8;
const DELIVERY_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const TIMESTAMP = /^\d{1,12}$/;
const HEX = /^[0-9a-fA-F]{1,256}$/;

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest();

/**
 * Constant-time equality for inputs of any length, never throwing: both sides are hashed to 32
 * bytes first (timingSafeEqual throws on a length mismatch, and an early length check would be a
 * timing difference of its own).
 */
export const safeEqual = (a: Buffer | string, b: Buffer | string): boolean => {
  const ab = typeof a === 'string' ? Buffer.from(a) : a;
  const bb = typeof b === 'string' ? Buffer.from(b) : b;
  return timingSafeEqual(sha256(ab), sha256(bb)) && ab.length === bb.length;
};

const header = (headers: HeaderBag, name: string): string | undefined | null => {
  let found: string | readonly string[] | undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) found = v;
  if (found === undefined) return undefined;
  return typeof found === 'string' ? found : null; // a repeated header is ambiguous: malformed
};

export interface ParsedSignature {
  t: number;
  v1: string[];
}

/** `t=<unix seconds>,v1=<hex>[,v1=<hex>…]`; unknown schemes (a future v2) are ignored. */
export const parseSignatureHeader = (value: string): ParsedSignature | null => {
  if (value.length === 0 || value.length > MAX_HEADER) return null;
  let t: string | undefined;
  const v1: string[] = [];
  for (const item of value.split(',')) {
    const eq = item.indexOf('=');
    if (eq <= 0) return null;
    const key = item.slice(0, eq).trim();
    const val = item.slice(eq + 1).trim();
    if (key === 't') {
      if (t !== undefined || !TIMESTAMP.test(val)) return null;
      t = val;
    } else if (key === 'v1') {
      if (!HEX.test(val)) return null;
      v1.push(val.toLowerCase());
    }
  }
  if (t === undefined || v1.length === 0 || v1.length > MAX_SIGNATURES) return null;
  return { t: Number(t), v1 };
};

const expectedSignature = (secret: string, t: number, body: Buffer): string => createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');

const parseCloudEvent = (body: Buffer): Omit<VerifiedDelivery, 'deliveryId' | 'signedAt'> | null => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const e = parsed as Record<string, unknown>;
  if (e.specversion !== '1.0' || typeof e.id !== 'string' || !e.id || typeof e.type !== 'string' || !e.type) return null;
  const opt = (k: string) => (typeof e[k] === 'string' ? { [k]: e[k] as string } : {});
  return { id: e.id, type: e.type, ...opt('source'), ...opt('subject'), ...opt('time'), data: e.data };
};

export const verifyDelivery = async (input: VerifyInput): Promise<Verdict> => {
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const refuse = (status: 400 | 401, reason: RefusalReason, deliveryId?: string): Verdict => ({
    outcome: 'refused',
    status,
    reason,
    ...(deliveryId ? { deliveryId } : {}),
  });

  const deliveryId = header(input.headers, 'webhook-id');
  const sigHeader = header(input.headers, 'webhook-signature');
  if (typeof deliveryId !== 'string' || !DELIVERY_ID.test(deliveryId)) return refuse(400, 'malformed_header');
  if (typeof sigHeader !== 'string') return refuse(400, 'malformed_header', deliveryId);
  const sig = parseSignatureHeader(sigHeader);
  if (!sig) return refuse(400, 'malformed_header', deliveryId);

  const nowSeconds = Math.floor(input.now.getTime() / 1000);
  if (Math.abs(nowSeconds - sig.t) > tolerance) return refuse(401, 'stale', deliveryId);

  const body = typeof input.rawBody === 'string' ? Buffer.from(input.rawBody, 'utf8') : input.rawBody;
  // Every secret against every v1, no early exit: the work does not depend on which one matches.
  let matched = false;
  for (const secret of input.secrets) {
    if (!secret) continue;
    const expected = expectedSignature(secret, sig.t, body);
    for (const candidate of sig.v1) matched = safeEqual(expected, candidate) || matched;
  }
  if (!matched) return refuse(401, 'bad_signature', deliveryId);

  const event = parseCloudEvent(body);
  if (!event) return refuse(400, 'malformed_body', deliveryId);

  // Two keys. The signed body (not t: every attempt of a delivery is re-signed with a new t, and a
  // failed attempt's bytes must not slip through once its retry succeeded) catches a replay even
  // under a made-up Webhook-Id, as that header is not signed; the Webhook-Id is the sender's own
  // delivery identity. Body first, so a forged id never holds a genuine delivery's key.
  const expiresAt = Math.max(sig.t, nowSeconds) + tolerance;
  const keys = [`body:${sha256(body).toString('hex')}`, `id:${deliveryId}`];
  const claimed: string[] = [];
  for (const key of keys) {
    const state = await input.seen.claim(key, expiresAt, nowSeconds);
    if (state !== 'new') {
      for (const k of claimed) await input.seen.release(k);
      return state === 'done'
        ? { outcome: 'duplicate', status: 200, reason: 'replayed', deliveryId }
        : { outcome: 'duplicate', status: 409, reason: 'in_progress', deliveryId };
    }
    claimed.push(key);
  }
  return {
    outcome: 'process',
    status: 200,
    delivery: { deliveryId, ...event, signedAt: new Date(sig.t * 1000) },
    done: async () => {
      for (const k of keys) await input.seen.done(k, expiresAt);
    },
    release: async () => {
      for (const k of keys) await input.seen.release(k);
    },
  };
};
