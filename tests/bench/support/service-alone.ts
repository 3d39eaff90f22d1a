import { loadConfig, type RunningService, type ServiceModule, type ServiceName, startService } from '@bp/runtime';
import pino from 'pino';

/**
 * One service started alone for a bench (HTTP kit, relay, consumer group, scheduler), silent, in a
 * scratch schema; the write rate limit off, since a bench is one caller doing thousands of writes.
 */
export const startServiceAlone = (
  name: ServiceName,
  module: ServiceModule,
  o: { databaseUrl: string; brokers: string[]; secret: string; schema: string; port?: number; listen?: boolean },
): Promise<RunningService> => {
  const env = {
    DATABASE_URL: o.databaseUrl,
    KAFKA_BROKERS: o.brokers.join(','),
    JWT_SECRET: o.secret,
    PORT: String(o.port ?? 0),
    LOG_LEVEL: 'silent' as const,
    RATE_LIMIT_WRITES_PER_MINUTE: '0',
  };
  return startService(module, {
    config: loadConfig(name, env),
    logger: pino({ level: 'silent' }),
    schema: o.schema,
    groupId: `bench-${o.schema}`,
    listen: o.listen ?? true,
  });
};

/** A valid PlaceOrder body (one line item), varied by `i`. */
export const placeOrderBody = (i: number, sellerId: string) => ({
  sellerId,
  currency: 'USD',
  items: [{ sku: `sku-${i % 313}`, title: 'A useful thing', quantity: 1 + (i % 3), unitPrice: 1000 }],
  shippingAddress: { name: 'Bench Buyer', line1: '1 Main St', city: 'Springfield', country: 'US' },
});
