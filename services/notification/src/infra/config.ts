import { z } from 'zod';
import { parseAllowedCidrs } from '../domain/webhooks/target';

/**
 * The notification service's own settings: the runtime reads them (ServiceConfig), this schema
 * checks them and gives the defaults.
 */
export const NotificationConfigSchema = z.object({
  /** smtp://host:port (or smtps://); unset = write .eml files under `<DATA_DIR>/mail`. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//)
    .optional(),
  MAIL_FROM: z.string().default('Buyer Protection <no-reply@marketplace.invalid>'),
  /** Timeouts of one e-mail send and one webhook POST, made inside a deadline's transaction. */
  SMTP_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  /**
   * Ranges webhooks may reach although they are loopback, private or reserved (issue 17 SSRF
   * guard), comma-separated CIDRs, e.g. `127.0.0.1/32` for a receiver on this machine. Empty: only
   * public addresses. A malformed entry stops the service at start.
   */
  WEBHOOK_ALLOWED_CIDRS: z
    .string()
    .default('')
    .refine((v) => {
      try {
        parseAllowedCidrs(v);
        return true;
      } catch {
        return false;
      }
    }, 'comma-separated CIDR ranges, e.g. 127.0.0.1/32,fd00::/8'),
});
export type NotificationConfig = z.infer<typeof NotificationConfigSchema>;

export const loadNotificationConfig = (env: Readonly<Record<string, unknown>>): NotificationConfig => {
  const parsed = NotificationConfigSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid notification configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
};
