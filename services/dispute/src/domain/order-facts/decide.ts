import { DomainError, type Money } from '@bp/contracts';
import type { Decider } from '@bp/eventstore';
import type { PolicySnapshot } from '@bp/timers';
import { OrderFactsErrors as Err } from './errors';
import { decideProtectionEnd, type ProtectionEndCommand } from './protection-end';
import type { KnownOrder } from './known-order';
import { evolveOrderFacts, initialOrderFacts, type OrderFactsEvent, type OrderFactsState } from './order-facts';

type C<T extends string, D> = { type: T; data: D; meta: { now: string } };

/** Commands sent by the consumers of orders.v1 (one per consumed fact) and by the dispute handler. */
export type OrderFactsCommand =
  | ProtectionEndCommand
  | C<
      'RecordOrderPlaced',
      { orderId: string; buyerId: string; sellerId: string; total: Money; protectionDays: number; policy: PolicySnapshot; placedAt: string }
    >
  | C<'RecordOrderPaid', { orderId: string; amount: Money; paidAt: string }>
  | C<'RecordOrderShipped', { orderId: string; shippedAt: string; protectionEndsAt: string }>
  | C<'RecordDelivered', { orderId: string; deliveredAt: string }>
  | C<'RecordProtectionChanged', { orderId: string; protectionEndsAt: string | null; at: string }>
  | C<'RecordOrderCompleted', { orderId: string; completedAt: string; reason: string }>
  | C<'RecordOrderClosed', { orderId: string; closedAt: string; reason: string }>
  | C<'ReserveDispute', { orderId: string; disputeId: string }>
  | C<'ReleaseDispute', { orderId: string; disputeId: string; settled?: boolean }>
  | C<'RecordExtensionRefused', { orderId: string; extensionId: string; at: string }>;

const known = (s: OrderFactsState, orderId: string): KnownOrder => {
  if (s.status === 'unknown') throw new DomainError(Err.ORDER_UNKNOWN, `order ${orderId} is not known yet`, 'not_found');
  return s;
};

const isFinal = (s: KnownOrder) => s.status === 'completed' || s.status === 'closed';

/** D1: one open dispute per order. Re-reserving the same dispute is harmless. */
const reserve = (s: KnownOrder, data: { orderId: string; disputeId: string }, now: string): OrderFactsEvent[] => {
  if (s.openDisputeId === data.disputeId) return [];
  if (s.openDisputeId !== null) throw new DomainError(Err.DISPUTE_ALREADY_OPEN, 'a dispute is already open on this order', 'conflict');
  // D12: the count is checked here too, where concurrent openings serialize on the order-facts stream.
  if (s.disputeCount >= s.policy.dispute.maxDisputesPerOrder)
    throw new DomainError(Err.DISPUTE_LIMIT_REACHED, 'D12: no more disputes on this order', 'conflict');
  return [{ type: 'DisputeReservedOnOrder', data: { ...data, at: now } }];
};

const decideKnown = (c: Exclude<OrderFactsCommand, { type: 'RecordOrderPlaced' }>, s: KnownOrder): OrderFactsEvent[] => {
  switch (c.type) {
    case 'RecordOrderPaid':
      return s.paid ? [] : [{ type: 'OrderPaidRecorded', data: c.data }];
    case 'RecordOrderShipped':
      return s.shippedAt ? [] : [{ type: 'OrderShippedRecorded', data: c.data }];
    case 'RecordDelivered':
      return s.deliveredAt ? [] : [{ type: 'OrderDeliveredRecorded', data: c.data }];
    case 'RecordProtectionChanged':
      return [{ type: 'ProtectionChangeRecorded', data: c.data }];
    case 'RecordOrderCompleted':
      return isFinal(s) ? [] : [{ type: 'OrderCompletedRecorded', data: c.data }];
    case 'RecordOrderClosed':
      return isFinal(s) ? [] : [{ type: 'OrderClosedRecorded', data: c.data }];
    case 'RecordProtectionEnded':
    case 'ReopenDisputeForAppeal':
    case 'CloseAppealReopening':
      return decideProtectionEnd(c, s); // S3, R7
    case 'ReserveDispute':
      return reserve(s, c.data, c.meta.now);
    case 'RecordExtensionRefused':
      return s.extensionRefused ? [] : [{ type: 'ExtensionRefusalRecorded', data: c.data }];
    case 'ReleaseDispute': {
      const open = s.openDisputeId === c.data.disputeId;
      const settles = c.data.settled === true && s.settledDisputeId === null;
      return open || settles ? [{ type: 'DisputeReleasedOnOrder', data: { ...c.data, at: c.meta.now } }] : [];
    }
    default: {
      const never: never = c;
      return never;
    }
  }
};

export const decideOrderFacts = (command: OrderFactsCommand, state: OrderFactsState): OrderFactsEvent[] => {
  if (command.type === 'RecordOrderPlaced') return state.status === 'unknown' ? [{ type: 'OrderPlacedRecorded', data: command.data }] : [];
  return decideKnown(command, known(state, command.data.orderId));
};

export const orderFactsDecider: Decider<OrderFactsCommand, OrderFactsEvent, OrderFactsState> = {
  decide: decideOrderFacts,
  evolve: evolveOrderFacts,
  initialState: initialOrderFacts,
};

export const orderFactsStreamId = (orderId: string): string => `dispute-order-facts-${orderId}`;
