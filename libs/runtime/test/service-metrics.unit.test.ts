import type { Pool } from 'pg';
import { Registry } from 'prom-client';
import { createServiceMetrics } from '../src/service-metrics';

// Issue 19: the service metrics over stubbed sources (the int test in tests/observability drives
// them through a real service).
const setup = (admin: Parameters<typeof createServiceMetrics>[0]['admin']) => {
  const warnings: string[] = [];
  const pool = { query: async (text: string) => ({ rows: text.includes('checkpoints') ? [] : [{ n: 3, age: 12.5 }] }) } as unknown as Pool;
  const metrics = createServiceMetrics({
    pool,
    schema: 'svc',
    publicTypes: ['OrderPlaced'],
    admin,
    groupId: 'g',
    topics: ['orders.v1'],
    warn: (_e, what) => void warnings.push(what),
  });
  const registry = new Registry();
  metrics.register(registry);
  return { metrics, registry, warnings };
};

const answering = {
  fetchOffsets: async () => [
    {
      topic: 'orders.v1',
      partitions: [
        { partition: 0, offset: '4' },
        { partition: 1, offset: '-1' },
      ],
    },
  ],
  fetchTopicOffsets: async () => [
    { partition: 0, offset: '10', low: '0', high: '10' },
    { partition: 1, offset: '2', low: '0', high: '2' },
  ],
};

describe('service metrics', () => {
  it('reads relay lag and consumer lag per partition at scrape time', async () => {
    const { registry } = setup(answering);
    const text = await registry.metrics();
    expect(text).toContain('bp_relay_unpublished_events 3');
    expect(text).toContain('bp_relay_oldest_unpublished_age_seconds 12.5');
    expect(text).toContain('bp_consumer_lag_messages{topic="orders.v1",partition="0",group="g"} 6');
    expect(text).toContain('bp_consumer_lag_messages{topic="orders.v1",partition="1",group="g"} 2'); // never committed: from the start
  });

  it('counts dead letters by kind and observes deadline lateness', async () => {
    const { metrics, registry } = setup(answering);
    metrics.onOutcome({ outcome: 'dead-lettered', topic: 't', partition: 0, offset: '1', attempts: 0, error: 'InvalidMessageError: bad' });
    metrics.onOutcome({ outcome: 'dead-lettered', topic: 't', partition: 0, offset: '2', attempts: 5, error: 'DomainError: refused' });
    metrics.onOutcome({ outcome: 'handled', topic: 't', partition: 0, offset: '3', attempts: 1 });
    metrics.onFired([
      {
        streamId: 's',
        kind: 'pay_by',
        dueAt: '2026-01-01T00:00:00.000Z',
        now: '2026-01-01T00:00:30.000Z',
        attempts: 0,
        payload: { kind: 'pay_by', dueAt: '2026-01-01T00:00:00.000Z', actor: 'system', onExpiry: 'x' },
      },
    ]);
    const text = await registry.metrics();
    expect(text).toContain('bp_consumer_dead_letters_total{group="g",kind="undecodable"} 1');
    expect(text).toContain('bp_consumer_dead_letters_total{group="g",kind="DomainError"} 1');
    expect(text).toContain('bp_consumer_messages_total{group="g",outcome="handled"} 1');
    expect(text).toContain('bp_deadline_lateness_seconds_sum{kind="pay_by"} 30');
  });

  it('a scrape still answers when Kafka does not: the lag is skipped with a warning', async () => {
    const { registry, warnings } = setup({ fetchOffsets: () => new Promise(() => {}), fetchTopicOffsets: answering.fetchTopicOffsets });
    const started = Date.now();
    const text = await registry.metrics();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(text).toContain('bp_relay_unpublished_events 3');
    expect(warnings).toEqual(['consumer lag']);
  });
});
