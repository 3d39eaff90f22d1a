import type { EventEnvelope } from '@bp/contracts';
import { spec } from '@bp/testing';
import { timelineDecider, timelineItems, type RecordUpstreamEvent, type UpstreamEventObservedData } from '../../src/domain/timeline';

const timeline = spec(timelineDecider);
const NOW = '2025-02-01T00:00:00.000Z';
const system = { role: 'system' as const, id: '/services/escrow' };
const observed = (eventId: string, o: Partial<UpstreamEventObservedData> = {}): UpstreamEventObservedData => ({
  orderId: 'o-1',
  source: 'escrow',
  type: 'PaymentCaptured',
  ceType: 'marketplace.escrow.payment-captured.v1',
  eventId,
  occurredAt: NOW,
  correlationId: 'c-1',
  causationId: null,
  data: { orderId: 'o-1' },
  ...o,
});
const record = (data: UpstreamEventObservedData): RecordUpstreamEvent => ({ type: 'RecordUpstreamEvent', data, meta: { now: NOW, actor: system } });

describe("order timeline stream (API.md timeline: the order's events from every service)", () => {
  it("records another service's public event as it was published", () => {
    timeline
      .given([])
      .when(record(observed('e-1')))
      .then([{ type: 'UpstreamEventObserved', data: observed('e-1') }]);
  });
  it('a redelivered event (same upstream event id) is recorded once', () => {
    timeline
      .given([{ type: 'UpstreamEventObserved', data: observed('e-1') }])
      .when(record(observed('e-1')))
      .thenNothingHappens();
  });
  it('another event of the same order is recorded beside it', () => {
    const next = observed('e-2', { source: 'dispute', type: 'DisputeEscalated', ceType: 'marketplace.dispute.escalated.v1' });
    timeline
      .given([{ type: 'UpstreamEventObserved', data: observed('e-1') }])
      .when(record(next))
      .then([{ type: 'UpstreamEventObserved', data: next }]);
  });
});

describe('timelineItems: merged by occurredAt, then log position; each item names its service', () => {
  const env = (id: string, streamVersion: number, occurredAt: string, type: string, data: unknown): EventEnvelope => ({
    id,
    type,
    schemaVersion: 1,
    streamId: `s-${id}`,
    streamVersion,
    occurredAt,
    correlationId: 'c-1',
    causationId: null,
    actor: system,
    data,
  });
  const at = (h: number) => `2025-02-01T${String(h).padStart(2, '0')}:00:00.000Z`;
  const own = [
    env('l-1', 1, at(1), 'OrderPlaced', { orderId: 'o-1' }),
    env('l-2', 2, at(1), 'ShippingAddressRecorded', { orderId: 'o-1', shippingAddress: { name: 'Ann' } }),
    env('l-4', 3, at(2), 'OrderPaid', { orderId: 'o-1' }),
  ];
  const seen = [
    env('l-3', 1, at(2), 'UpstreamEventObserved', observed('ce-pay', { occurredAt: at(2) })), // same tx, before OrderPaid
    env('l-5', 2, at(3), 'UpstreamEventObserved', observed('ce-fail', { type: 'PaymentFailed', occurredAt: at(0) })), // happened first
  ] as EventEnvelope<UpstreamEventObservedData>[];
  const position = (id: string) => BigInt(id.slice(2));
  const items = timelineItems(own, seen, position);

  it('in order of occurrence, ties by log position (the upstream fact before the order event it caused)', () => {
    expect(items.map((i) => [i.service, i.type])).toEqual([
      ['escrow', 'PaymentFailed'],
      ['order', 'OrderPlaced'],
      ['order', 'ShippingAddressRecorded'],
      ['escrow', 'PaymentCaptured'],
      ['order', 'OrderPaid'],
    ]);
  });
  it("keeps the order items' fields and redacts the shipping address", () => {
    expect(items[1]).toEqual({
      service: 'order',
      eventId: 'l-1',
      type: 'OrderPlaced',
      version: 1,
      occurredAt: at(1),
      actor: system,
      correlationId: 'c-1',
      causationId: null,
      data: { orderId: 'o-1' },
    });
    expect(items[2]!.data).toEqual({ redacted: true });
  });
  it('an upstream item carries its ce_id, ceType, producer time and data, and no order version', () => {
    expect(items[3]).toMatchObject({
      service: 'escrow',
      eventId: 'ce-pay',
      ceType: 'marketplace.escrow.payment-captured.v1',
      version: null,
      occurredAt: at(2),
      data: { orderId: 'o-1' },
    });
  });
});
