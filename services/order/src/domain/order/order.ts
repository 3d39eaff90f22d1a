// The order aggregate: events (a union on `type`) and state (a union on `status`); evolve.ts folds
// the one into the other (it imports these types, so nothing here imports it back).
import type {
  BuyerRatedData,
  Money,
  OrderCancelledData,
  OrderClosedData,
  OrderCompletedData,
  OrderDeliveredData,
  OrderItem,
  OrderPaidData,
  OrderPlacedData,
  OrderShippedData,
  ProtectionExtendedData,
  ProtectionExtensionDeclinedData,
  ProtectionExtensionLapsedData,
  ProtectionEndedData,
  ProtectionExtensionRequestedData,
  ProtectionResumedData,
  ProtectionSuspendedData,
  ReviewPostedData,
  ReviewPublishedData,
  ReviewRepliedData,
} from '@bp/contracts';
import type { PolicySnapshot } from '@bp/timers';
import type { PaymentAmountMismatchedData, RefundRecordedData, ReviewWindowClosedData, ShippingAddress, ShippingAddressRecordedData } from './private-events';

type Ev<T extends string, D> = { type: T; data: D };

/** The log's OrderPlaced: the public data, with the snapshot typed by @bp/timers. */
export type OrderPlacedEventData = Omit<OrderPlacedData, 'policy'> & { policy: PolicySnapshot };

export type OrderEvent =
  | Ev<'OrderPlaced', OrderPlacedEventData>
  | Ev<'ShippingAddressRecorded', ShippingAddressRecordedData>
  | Ev<'OrderPaid', OrderPaidData>
  | Ev<'PaymentAmountMismatched', PaymentAmountMismatchedData>
  | Ev<'OrderCancelled', OrderCancelledData>
  | Ev<'OrderClosed', OrderClosedData>
  | Ev<'OrderShipped', OrderShippedData>
  | Ev<'OrderDelivered', OrderDeliveredData>
  | Ev<'ProtectionExtensionRequested', ProtectionExtensionRequestedData>
  | Ev<'ProtectionExtended', ProtectionExtendedData>
  | Ev<'ProtectionExtensionDeclined', ProtectionExtensionDeclinedData>
  | Ev<'ProtectionExtensionLapsed', ProtectionExtensionLapsedData>
  | Ev<'ProtectionSuspended', ProtectionSuspendedData>
  | Ev<'ProtectionResumed', ProtectionResumedData>
  | Ev<'ProtectionEnded', ProtectionEndedData>
  | Ev<'OrderCompleted', OrderCompletedData>
  | Ev<'RefundRecorded', RefundRecordedData>
  | Ev<'ReviewPosted', ReviewPostedData>
  | Ev<'ReviewReplied', ReviewRepliedData>
  | Ev<'ReviewPublished', ReviewPublishedData>
  | Ev<'BuyerRated', BuyerRatedData>
  | Ev<'ReviewWindowClosed', ReviewWindowClosedData>;

export type OrderEventType = OrderEvent['type'];
export type EventOf<T extends OrderEventType> = Extract<OrderEvent, { type: T }>;

/** O1: the lifecycle statuses; `initial` is the state before OrderPlaced. */
export const STATUSES = ['placed', 'paid', 'shipped', 'delivered', 'completed', 'closed'] as const;
export type Status = (typeof STATUSES)[number];
export type ClosedReason = OrderClosedData['reason'] | 'CANCELLED';

export interface OrderInfo {
  orderId: string;
  buyerId: string;
  sellerId: string;
  currency: string;
  items: OrderItem[];
  total: Money;
  protectionDays: number;
  handlingDays: number;
  placedAt: string;
  paymentDueAt: string;
  policy: PolicySnapshot;
  shippingAddress: ShippingAddress | null;
}

export interface Payment {
  paymentId: string;
  amount: Money;
  paidAt: string;
  shipBy: string;
}

export interface Shipment {
  carrier: string;
  trackingNumber: string;
  shippedAt: string;
}

/**
 * O5, O8, O9, D9. Invariant (while not suspended):
 * endsAt = shippedAt + days + extensionDays + resendDays (in days) + suspendedMs.
 * While a dispute is open, `suspension` holds the remaining time and endsAt is frozen.
 */
export interface Protection {
  shippedAt: string;
  days: number;
  extensionDays: number;
  resendDays: number;
  suspendedMs: number;
  endsAt: string;
  suspension: { disputeId: string; since: string; remainingMs: number } | null;
  /**
   * S3, O7: protection ran out and the order asked the dispute service (ProtectionEnded, round n);
   * it completes only on the acknowledgement of that round naming no open dispute.
   */
  ending: { round: number; since: string } | null;
  /** ProtectionEnded rounds so far (a withdrawn dispute may end protection again). */
  rounds: number;
  /** D9, R7: disputes a resend resolved; an appeal of one reopens it on the order (S3). */
  resentDisputeIds: string[];
}

export type ExtensionOutcome = 'pending' | 'approved' | 'declined' | 'lapsed';
export interface Extension {
  extensionId: string;
  days: number;
  requestedAt: string;
  respondBy: string;
  outcome: ExtensionOutcome;
}

/** O11: the buyer's review, the seller's reply and reciprocal rating of the buyer, and publication. */
export interface Review {
  rating: number;
  text: string;
  postedAt: string;
  publishDueAt: string;
  reply: { text: string; repliedAt: string } | null;
  buyerRating: { rating: number; text: string; ratedAt: string } | null;
  publishedAt: string | null;
}

interface Base {
  order: OrderInfo;
  /** Payment ids already recorded as mismatched (dedupe). */
  mismatchedPayments: string[];
  refunds: { ids: string[]; amount: number };
  /**
   * O11: a review may come once the goods are received (delivered or completed) and outlives a later
   * closure (published a month after it was written), so it is kept whatever the status.
   */
  review: Review | null;
  /** O11: set when the review window ran out with no review (no review can follow). */
  reviewWindowClosedAt: string | null;
}

export interface Fulfilment {
  payment: Payment;
  shipment: Shipment;
  protection: Protection;
  extensions: Extension[];
  deliveredAt: string | null;
}

export type InitialState = { status: 'initial' };
export type PlacedState = Base & { status: 'placed' };
export type PaidState = Base & { status: 'paid'; payment: Payment };
export type InTransitState = Base & Fulfilment & { status: 'shipped' | 'delivered' };
export type CompletedState = Base &
  Fulfilment & {
    status: 'completed';
    completion: { reason: OrderCompletedData['reason']; completedAt: string; disputeId: string | null };
  };
export type ClosedState = Base & {
  status: 'closed';
  closure: { reason: ClosedReason; closedAt: string; refundDue: boolean; cancelledBy: 'buyer' | 'seller' | null };
  payment: Payment | null;
  fulfilment: Fulfilment | null;
};

export type OrderState = InitialState | PlacedState | PaidState | InTransitState | CompletedState | ClosedState;
export type ExistingOrder = Exclude<OrderState, InitialState>;

export const initialState: OrderState = { status: 'initial' };
