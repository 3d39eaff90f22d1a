import { Topics } from '@bp/contracts';
import { spec } from '@bp/testing';
import { timelineDecider } from '../../src/domain/timeline';
import { timelineRecordOf, type UpstreamEvent } from '../../src/domain/sagas/timeline-from-upstream';

const timeline = spec(timelineDecider);
const upstream = (o: Partial<UpstreamEvent> = {}): UpstreamEvent => ({
  id: 'ce-1',
  type: 'PaymentFailed',
  ceType: 'marketplace.escrow.payment-failed.v1',
  topic: Topics.escrow,
  source: '/services/escrow',
  time: '2025-02-01T10:00:00Z',
  data: { orderId: 'o-1', paymentId: 'p-1' },
  correlationId: 'corr-1',
  causationId: 'cause-1',
  ...o,
});

describe('saga: escrow.v1 / disputes.v1 -> the order timeline (given/when/then)', () => {
  it('an upstream event about an order is recorded as published, at its own time, by its producer (also one the lifecycle ignores)', () => {
    const record = timelineRecordOf(upstream());
    expect(record?.meta).toEqual({ now: '2025-02-01T10:00:00.000Z', actor: { role: 'system', id: '/services/escrow' } });
    timeline
      .given([])
      .when(record!)
      .then([
        {
          type: 'UpstreamEventObserved',
          data: {
            orderId: 'o-1',
            source: 'escrow',
            type: 'PaymentFailed',
            ceType: 'marketplace.escrow.payment-failed.v1',
            eventId: 'ce-1',
            occurredAt: '2025-02-01T10:00:00.000Z',
            correlationId: 'corr-1',
            causationId: 'cause-1',
            data: { orderId: 'o-1', paymentId: 'p-1' },
          },
        },
      ]);
  });

  it('disputes.v1 names the dispute service', () => {
    expect(timelineRecordOf(upstream({ topic: Topics.disputes, source: '/services/dispute', type: 'DisputeEscalated' }))?.data.source).toBe('dispute');
  });

  it('nothing for an event that is not about an order, or from another topic', () => {
    expect(timelineRecordOf(upstream({ data: { buyerId: 'b-1' } }))).toBeNull();
    expect(timelineRecordOf(upstream({ topic: Topics.orders }))).toBeNull();
  });
});
