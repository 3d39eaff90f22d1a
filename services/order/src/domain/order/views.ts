// The order as the API shows it (API.md: status, totals, protectionEndsAt, disputeOpen, deadlines,
// allowedActions). allowedActions derives from the transition table and its guards, so the buttons a
// storefront shows are exactly the commands decide would accept.
import type { Money, OrderItem, Role } from '@bp/contracts';
import { msToIso } from '@bp/timers';
import { isParty } from './authorize';
import { deadlines, type Deadline } from './deadlines';
import { guards, isDisputeOpen, isInTransit } from './guards';
import type { ExistingOrder, Extension, OrderState, Review, Status } from './order';
import { transitions } from './process';

export type Caller = { role: Role | 'system'; id: string };

/** O1: the statuses a buyer sees. */
export type BuyerStatus = 'awaiting_payment' | 'awaiting_shipment' | 'shipped' | 'delivered' | 'completed' | 'closed';
const BUYER_STATUS: Record<Status, BuyerStatus> = {
  placed: 'awaiting_payment',
  paid: 'awaiting_shipment',
  shipped: 'shipped',
  delivered: 'delivered',
  completed: 'completed',
  closed: 'closed',
};

/**
 * The transitions `caller` may take now (names from process.ts), in table order, without duplicates.
 * Timed transitions are the scheduler's (FireDeadline), never an action; they show as `deadlines`.
 */
export const allowedActions = (s: OrderState, caller: Caller, now: string): string[] => {
  if (s.status === 'initial' || !isParty(s, caller)) return [];
  const at = Date.parse(now);
  const names = transitions
    .filter((t) => !t.deadline && t.from.includes(s.status) && t.actor.includes(caller.role))
    .filter((t) => !t.guard || guards[t.guard](s, at) === null)
    .map((t) => t.name);
  return [...new Set(names)];
};

export interface OrderView {
  orderId: string;
  buyerId: string;
  sellerId: string;
  /** O1: as the buyer sees it. */
  status: BuyerStatus;
  lifecycleStatus: Status;
  closedReason: string | null;
  completionReason: string | null;
  currency: string;
  items: OrderItem[];
  total: Money;
  paid: Money | null;
  refunded: Money;
  shippingAddress: unknown;
  placedAt: string;
  paidAt: string | null;
  shipment: { carrier: string; trackingNumber: string; shippedAt: string } | null;
  deliveredAt: string | null;
  protectionDays: number;
  handlingDays: number;
  /** null before shipment and while a dispute suspends protection (see protectionRemaining). */
  protectionEndsAt: string | null;
  protectionSuspended: boolean;
  /** ISO duration of protection left while suspended (O9). */
  protectionRemaining: string | null;
  disputeOpen: boolean;
  disputeId: string | null;
  extensions: Extension[];
  review: Review | null;
  completedAt: string | null;
  closedAt: string | null;
  deadlines: Deadline[];
  allowedActions: string[];
}

const fulfilmentOf = (s: ExistingOrder) => (isInTransit(s) || s.status === 'completed' ? s : s.status === 'closed' ? s.fulfilment : null);

const protectionView = (s: ExistingOrder) => {
  const f = fulfilmentOf(s);
  const suspension = isInTransit(s) ? s.protection.suspension : null;
  return {
    protectionEndsAt: f && !suspension ? f.protection.endsAt : null,
    protectionSuspended: suspension !== null,
    protectionRemaining: suspension ? msToIso(Math.max(0, suspension.remainingMs)) : null,
    disputeOpen: isDisputeOpen(s),
    disputeId: suspension?.disputeId ?? null,
  };
};

const money = (amount: number, currency: string): Money => ({ amount, currency });

/** Personal data (the shipping address) only for the parties and support agents, never a partner (conventions.md). */
const SEES_ADDRESS: ReadonlySet<Caller['role']> = new Set(['buyer', 'seller', 'agent']);

/** The view for `caller` at `now`; callers that are not parties should get a 404 before this. */
export const orderView = (s: ExistingOrder, caller: Caller, now: string): OrderView => {
  const { order } = s;
  const f = fulfilmentOf(s);
  const payment = s.status === 'placed' ? null : s.payment;
  return {
    orderId: order.orderId,
    buyerId: order.buyerId,
    sellerId: order.sellerId,
    status: BUYER_STATUS[s.status],
    lifecycleStatus: s.status,
    closedReason: s.status === 'closed' ? s.closure.reason : null,
    completionReason: s.status === 'completed' ? s.completion.reason : null,
    currency: order.currency,
    items: order.items,
    total: order.total,
    paid: payment?.amount ?? null,
    refunded: money(s.refunds.amount, order.currency),
    shippingAddress: SEES_ADDRESS.has(caller.role) ? order.shippingAddress : null,
    placedAt: order.placedAt,
    paidAt: payment?.paidAt ?? null,
    shipment: f?.shipment ?? null,
    deliveredAt: f?.deliveredAt ?? null,
    protectionDays: order.protectionDays,
    handlingDays: order.handlingDays,
    ...protectionView(s),
    extensions: f?.extensions ?? [],
    review: s.review,
    completedAt: s.status === 'completed' ? s.completion.completedAt : null,
    closedAt: s.status === 'closed' ? s.closure.closedAt : null,
    deadlines: deadlines(s),
    allowedActions: allowedActions(s, caller, now),
  };
};
