/**
 * Pino redacts by path, not by content (reliability §3), so every place personal data or a secret
 * can sit is listed. `*.x` only reaches one level down, hence the explicit deeper variants.
 */
const SENSITIVE_KEYS = [
  'email',
  'phone',
  'address',
  'shippingAddress',
  'iban',
  'password',
  'secret',
  'token',
  'accessToken',
  'refreshToken',
  'authorization',
  'cookie',
];

const SENSITIVE_HEADERS = [
  'authorization',
  'cookie',
  'set-cookie',
  'x-signature',
  'x-webhook-signature',
  'webhook-signature',
  'stripe-signature',
  'x-hub-signature-256',
  'proxy-authorization',
];

export const REDACT_PATHS: string[] = [
  ...SENSITIVE_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]),
  ...SENSITIVE_HEADERS.flatMap((h) => [`req.headers["${h}"]`, `res.headers["${h}"]`, `headers["${h}"]`]),
];
