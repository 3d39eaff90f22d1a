import { createConsumerRunner, type KafkaClient } from '@bp/messaging';
import type { Pool } from 'pg';
import { silentLogger, testEvents } from './support/fixtures';

describe('consumer runner wiring', () => {
  const { registry, topics } = testEvents();
  const base = { kafka: {} as KafkaClient, groupId: 'g', topics: [topics.orders], registry, pool: {} as Pool, schema: 's', logger: silentLogger };

  it('refuses a handler for a type the registry does not know (it would skip silently)', () => {
    expect(() => createConsumerRunner({ ...base, handlers: { OrderThng: async () => {} } })).toThrow(/OrderThng/);
  });

  it('refuses an unbounded or empty retry policy', () => {
    expect(() => createConsumerRunner({ ...base, handlers: {}, retry: { attempts: 0 } })).toThrow(/attempts/);
  });
});
