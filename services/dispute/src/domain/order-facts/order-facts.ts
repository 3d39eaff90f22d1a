import type { Money } from '@bp/contracts';
import type { DomainEvent } from '@bp/eventstore';
import type { PolicySnapshot } from '@bp/timers';
import type { KnownOrder } from './known-order';
import { evolveProtectionEnd, type ProtectionEndEvent } from './protection-end';

/**
 * The dispute service's own copy of what it learns from orders.v1 (one small aggregate per order).
 * Facts consumed from the order service become these events (conventions: the whole state is our log).
 * It also holds the order-level "one open dispute" rule (D1): `openDisputeId`.
 */
type E<T extends string, D> = DomainEvent<T, D>;

export type OrderFactsEvent =
  | ProtectionEndEvent
  | E<
      'OrderPlacedRecorded',
      { orderId: string; buyerId: string; sellerId: string; total: Money; protectionDays: number; policy: PolicySnapshot; placedAt: string }
    >
  | E<'OrderPaidRecorded', { orderId: string; amount: Money; paidAt: string }>
  | E<'OrderShippedRecorded', { orderId: string; shippedAt: string; protectionEndsAt: string }>
  | E<'OrderDeliveredRecorded', { orderId: string; deliveredAt: string }>
  /** protectionEndsAt null = suspended (O9, while a dispute is open). */
  | E<'ProtectionChangeRecorded', { orderId: string; protectionEndsAt: string | null; at: string }>
  | E<'OrderCompletedRecorded', { orderId: string; completedAt: string; reason: string }>
  | E<'OrderClosedRecorded', { orderId: string; closedAt: string; reason: string }>
  | E<'DisputeReservedOnOrder', { orderId: string; disputeId: string; at: string }>
  | E<'DisputeReleasedOnOrder', { orderId: string; disputeId: string; at: string; settled?: boolean }>
  /** O8: the seller declined an extension request, or let it lapse. */
  | E<'ExtensionRefusalRecorded', { orderId: string; extensionId: string; at: string }>;

export type OrderFactsState = { status: 'unknown' } | KnownOrder;

export const initialOrderFacts: OrderFactsState = { status: 'unknown' };

const placed = (d: Extract<OrderFactsEvent, { type: 'OrderPlacedRecorded' }>['data']): KnownOrder => ({
  status: 'placed',
  orderId: d.orderId,
  buyerId: d.buyerId,
  sellerId: d.sellerId,
  total: d.total,
  paid: null,
  protectionDays: d.protectionDays,
  policy: d.policy,
  shippedAt: null,
  deliveredAt: null,
  protectionEndsAt: null,
  protectionSuspended: false,
  completedAt: null,
  closedAt: null,
  openDisputeId: null,
  settledDisputeId: null,
  disputeCount: 0,
  latestDisputeId: null,
  extensionRefused: false,
});

const evolveKnown = (s: KnownOrder, e: OrderFactsEvent): KnownOrder => {
  switch (e.type) {
    case 'OrderPlacedRecorded':
      return s;
    case 'OrderPaidRecorded':
      return { ...s, status: 'paid', paid: e.data.amount };
    case 'OrderShippedRecorded':
      return { ...s, status: 'shipped', shippedAt: e.data.shippedAt, protectionEndsAt: e.data.protectionEndsAt };
    case 'OrderDeliveredRecorded':
      return { ...s, deliveredAt: e.data.deliveredAt };
    case 'ProtectionChangeRecorded':
      return e.data.protectionEndsAt === null
        ? { ...s, protectionSuspended: true }
        : { ...s, protectionSuspended: false, protectionEndsAt: e.data.protectionEndsAt };
    case 'OrderCompletedRecorded':
      return { ...s, status: 'completed', completedAt: e.data.completedAt };
    case 'OrderClosedRecorded':
      return { ...s, status: 'closed', closedAt: e.data.closedAt };
    case 'DisputeReservedOnOrder':
      return { ...s, openDisputeId: e.data.disputeId, disputeCount: s.disputeCount + 1, latestDisputeId: e.data.disputeId };
    case 'ExtensionRefusalRecorded':
      return { ...s, extensionRefused: true };
    case 'DisputeReleasedOnOrder': {
      // R5: a settlement is final for the order even when it corrects a dispute released before (an
      // appeal OVERTURN after a resend): no later dispute asks for the money again.
      const openDisputeId = s.openDisputeId === e.data.disputeId ? null : s.openDisputeId;
      return { ...s, openDisputeId, settledDisputeId: e.data.settled ? e.data.disputeId : s.settledDisputeId };
    }
    default:
      return s;
  }
};

/** Total: unknown events and facts about an unknown order leave the state as it is. */
export const evolveOrderFacts = (state: OrderFactsState, event: OrderFactsEvent): OrderFactsState => {
  if (state.status === 'unknown') return event.type === 'OrderPlacedRecorded' ? placed(event.data) : state;
  return evolveProtectionEnd(evolveKnown(state, event), event); // S3, R7: protection-end.ts
};
