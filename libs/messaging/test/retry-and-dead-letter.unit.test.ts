import { DomainError } from '@bp/contracts';
import { DltHeaders, PermanentError, backoffDelay, deadLetterMessage, describeError, isRetryable, resolveRetryPolicy } from '@bp/messaging';
import type { KafkaMessage } from 'kafkajs';

describe('retry policy', () => {
  it('doubles the wait after each failure, capped', () => {
    const p = resolveRetryPolicy({ attempts: 6, backoffMs: 100, maxBackoffMs: 500 });
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(p, n))).toEqual([100, 200, 400, 500, 500]);
  });

  it('is always bounded', () => {
    expect(() => resolveRetryPolicy({ attempts: 0 })).toThrow(/attempts/);
    expect(() => resolveRetryPolicy({ attempts: Infinity })).toThrow(/attempts/);
    expect(resolveRetryPolicy(undefined).attempts).toBeGreaterThan(0);
  });

  it('does not retry deterministic failures', () => {
    expect(isRetryable(new Error('connection reset'))).toBe(true);
    expect(isRetryable(new PermanentError('bad'))).toBe(false);
    expect(isRetryable(new DomainError('ORDER_NOT_FOUND', 'no'))).toBe(false);
  });
});

describe('dead letters', () => {
  const original = {
    key: Buffer.from('order-1'),
    value: Buffer.from('{oops'),
    headers: { ce_id: Buffer.from('id-1'), ce_type: Buffer.from('t.v1'), dlt_error: Buffer.from('stale') },
    offset: '41',
  } as unknown as KafkaMessage;

  it('keeps key, value and headers and adds where and why', () => {
    const m = deadLetterMessage({ topic: 'orders.v1', partition: 2, message: original, error: new SyntaxError('bad json'), attempts: 3 });
    expect(m.key).toBe(original.key);
    expect(m.value).toBe(original.value);
    expect(m.headers).toEqual({
      ce_id: original.headers!.ce_id,
      ce_type: original.headers!.ce_type,
      [DltHeaders.error]: 'SyntaxError: bad json',
      [DltHeaders.originalTopic]: 'orders.v1',
      [DltHeaders.originalPartition]: '2',
      [DltHeaders.originalOffset]: '41',
      [DltHeaders.attempts]: '3',
    });
  });

  it('truncates huge errors', () => {
    expect(describeError(new Error('x'.repeat(10_000))).length).toBeLessThan(2100);
    expect(describeError('plain')).toBe('plain');
  });
});
