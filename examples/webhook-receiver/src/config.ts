import { DEFAULT_TOLERANCE_SECONDS } from './verify';

/** What `npm start` of this example needs; main.ts reads it from the environment. */
export interface ReceiverConfig {
  /** The current secret first; the previous one too while you rotate. */
  secrets: string[];
  host: string;
  port: number;
  path: string;
  toleranceSeconds: number;
}

const integer = (name: string, value: string | undefined, fallback: number, min: number, max: number): number => {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return n;
};

/**
 * WEBHOOK_SECRET (required: the secret `POST /webhooks` answered with), WEBHOOK_SECRET_PREVIOUS
 * (during a rotation), HOST (default 127.0.0.1), PORT (8080; 0 picks a free one), WEBHOOK_PATH (/webhooks),
 * WEBHOOK_TOLERANCE_SECONDS (300).
 */
export const configFromEnv = (env: Readonly<Record<string, string | undefined>>): ReceiverConfig => {
  if (!env.WEBHOOK_SECRET) throw new Error('WEBHOOK_SECRET is required: the secret POST /webhooks answered with');
  const secrets = [env.WEBHOOK_SECRET, env.WEBHOOK_SECRET_PREVIOUS].filter((s): s is string => s !== undefined && s !== '');
  const path = env.WEBHOOK_PATH ?? '/webhooks';
  if (!path.startsWith('/')) throw new Error(`WEBHOOK_PATH must start with /, got ${JSON.stringify(path)}`);
  return {
    secrets,
    host: env.HOST ?? '127.0.0.1',
    port: integer('PORT', env.PORT, 8080, 0, 65_535),
    path,
    toleranceSeconds: integer('WEBHOOK_TOLERANCE_SECONDS', env.WEBHOOK_TOLERANCE_SECONDS, DEFAULT_TOLERANCE_SECONDS, 1, 86_400),
  };
};
