// Test builders for the order decider: one timeline, actors, and commands with sensible defaults.
import type { Actor } from '@bp/contracts';
import { defaultPolicy, snapshotOf, type PolicySnapshot } from '@bp/timers';
import {
  decide,
  evolve,
  initialState,
  type CommandOf,
  type OrderCommand,
  type OrderCommandType,
  type OrderEvent,
  type OrderState,
} from '../../src/domain/order';

export const policy: PolicySnapshot = snapshotOf(defaultPolicy);
export const T0 = '2025-01-01T00:00:00.000Z';
const DAY = 86_400_000;
/** T0 + days (+ hours), canonical ISO. */
export const at = (days: number, hours = 0): string => new Date(Date.parse(T0) + days * DAY + hours * 3_600_000).toISOString();

export const ORDER = 'order-1';
export const buyer: Actor = { role: 'buyer', id: 'buyer-1' };
export const seller: Actor = { role: 'seller', id: 'seller-1' };
export const otherBuyer: Actor = { role: 'buyer', id: 'buyer-2' };
export const agent: Actor = { role: 'agent', id: 'agent-1' };
export const partner: Actor = { role: 'partner', id: 'partner-1' };
export const system: Actor = { role: 'system', id: 'system' };

type DataOf<T extends OrderCommandType> = Omit<CommandOf<T>['data'], 'orderId'>;
export const cmd = <T extends OrderCommandType>(type: T, data: DataOf<T>, actor: Actor, now: string): CommandOf<T> =>
  ({ type, data: { orderId: ORDER, ...data }, meta: { now, actor } }) as unknown as CommandOf<T>;

export const address = { name: 'Ann Buyer', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
export const items = [
  { sku: 'sku-1', title: 'Socks', quantity: 2, unitPrice: 1500 },
  { sku: 'sku-2', title: 'Hat', quantity: 1, unitPrice: { amount: 2000, currency: 'USD' } },
];
export const TOTAL = { amount: 5000, currency: 'USD' };

export const place = (over: Partial<DataOf<'PlaceOrder'>> = {}, now = T0) =>
  cmd('PlaceOrder', { sellerId: seller.id, currency: 'USD', items, shippingAddress: address, policy, ...over }, buyer, now);
export const pay = (now = at(0, 1), amount = TOTAL, paymentId = 'pay-1') => cmd('ConfirmPayment', { paymentId, amount }, system, now);
export const ship = (now = at(1)) => cmd('ShipOrder', { carrier: 'DHL', trackingNumber: 'TRK1' }, seller, now);
export const deliver = (now = at(5), actor = partner) => cmd('ReportDelivery', {}, actor, now);
export const confirm = (now = at(10), actor = buyer) => cmd('ConfirmReceipt', {}, actor, now);
export const cancel = (now = at(0, 2), actor = buyer) => cmd('CancelOrder', {}, actor, now);
export const requestExt = (now = at(10), days = 14, extensionId = 'ext-1') => cmd('RequestExtension', { extensionId, days }, buyer, now);
export const approveExt = (now = at(11), extensionId = 'ext-1') => cmd('ApproveExtension', { extensionId }, seller, now);
export const declineExt = (now = at(11), extensionId = 'ext-1') => cmd('DeclineExtension', { extensionId }, seller, now);
export const disputeOpened = (now = at(10), disputeId = 'd-1') => cmd('RecordDisputeOpened', { disputeId }, system, now);
export const disputeWithdrawn = (now = at(20), disputeId = 'd-1') => cmd('RecordDisputeWithdrawn', { disputeId }, system, now);
export const disputeSettled = (refund: number, now = at(20), disputeId = 'd-1') =>
  cmd('RecordDisputeSettled', { disputeId, refund: { amount: refund, currency: 'USD' } }, system, now);
export const resendShipped = (now = at(20), disputeId = 'd-1', extendByDays?: number) =>
  cmd('RecordResendShipped', { disputeId, ...(extendByDays === undefined ? {} : { extendByDays }) }, system, now);
export const refundCompleted = (amount: number, now = at(3), refundId = 'r-1') =>
  cmd('RecordRefundCompleted', { refundId, amount: { amount, currency: 'USD' } }, system, now);
export const review = (now = at(11), rating = 5) => cmd('PostReview', { rating, text: 'great' }, buyer, now);
export const reply = (now = at(12)) => cmd('ReplyToReview', { text: 'thanks' }, seller, now);
export const protectionEndAcknowledged = (round: number, now: string, openDisputeId: string | null = null) =>
  cmd('RecordProtectionEndAcknowledged', { round, openDisputeId }, system, now);
export const appealFiled = (now: string, disputeId = 'd-1') => cmd('RecordAppealFiled', { disputeId }, system, now);
export const appealDecided = (decision: 'UPHOLD' | 'OVERTURN', now: string, disputeId = 'd-1') =>
  cmd('RecordAppealDecided', { disputeId, decision }, system, now);
export const fire = (kind: string, dueAt: string, now = dueAt) => cmd('FireDeadline', { kind, dueAt }, system, now);

/** Runs commands through the decider, returning every event (for `given`). */
export const history = (...cmds: OrderCommand[]): OrderEvent[] => {
  let state: OrderState = initialState;
  const out: OrderEvent[] = [];
  for (const c of cmds) {
    const events = decide(c, state);
    state = events.reduce(evolve, state);
    out.push(...events);
  }
  return out;
};
export const stateOf = (events: OrderEvent[]): OrderState => events.reduce(evolve, initialState);

// Common histories: paid at T0+1h, shipped at day 1 (protection 60 days -> day 61), completed at day 10.
export const placed = () => history(place());
export const paid = () => history(place(), pay());
export const shipped = () => history(place(), pay(), ship());
export const delivered = () => history(place(), pay(), ship(), deliver());
export const completed = () => history(place(), pay(), ship(), confirm());
export const disputed = () => history(place(), pay(), ship(), disputeOpened());
export const PROTECTION_END = at(61);
