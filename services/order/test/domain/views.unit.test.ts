import { allowedActions, orderView, type ExistingOrder } from '../../src/domain/order';
import {
  PROTECTION_END,
  TOTAL,
  address,
  agent,
  cancel,
  approveExt,
  at,
  buyer,
  completed,
  confirm,
  delivered,
  disputed,
  history,
  otherBuyer,
  paid,
  pay,
  place,
  placed,
  requestExt,
  review,
  seller,
  ship,
  shipped,
  stateOf,
  system,
} from './fixtures';

const existing = (events: ReturnType<typeof placed>) => stateOf(events) as ExistingOrder;

describe('allowedActions (derived from the table + guards)', () => {
  it('O2/O4: placed: the buyer may cancel, the seller may cancel; a stranger nothing', () => {
    const s = stateOf(placed());
    expect(allowedActions(s, buyer, at(0, 1))).toEqual(['cancel']);
    expect(allowedActions(s, seller, at(0, 1))).toEqual(['cancel']);
    expect(allowedActions(s, otherBuyer, at(0, 1))).toEqual([]);
  });
  it('O4/O5: paid: the seller may ship or cancel', () => {
    expect(allowedActions(stateOf(paid()), seller, at(1))).toEqual(['cancel', 'ship']);
  });
  it('O6/O8/O10: shipped: the buyer may report delivery, confirm, ask for an extension', () => {
    expect(allowedActions(stateOf(shipped()), buyer, at(10))).toEqual(['report_delivery', 'confirm_receipt', 'request_extension']);
    expect(allowedActions(stateOf(shipped()), agent, at(10))).toEqual(['report_delivery']);
  });
  it('O8: with a pending request the seller may answer and the buyer may not ask again', () => {
    const s = stateOf(history(place(), pay(), ship(), requestExt()));
    expect(allowedActions(s, seller, at(11))).toEqual(['report_delivery', 'approve_extension', 'decline_extension']);
    expect(allowedActions(s, buyer, at(11))).toEqual(['report_delivery', 'confirm_receipt']);
  });
  it('O6/O9: the confirm button disappears during a dispute and after protection ended', () => {
    expect(allowedActions(stateOf(disputed()), buyer, at(11))).toEqual(['report_delivery']);
    expect(allowedActions(stateOf(delivered()), buyer, PROTECTION_END)).toEqual([]);
  });
  it('O11: completed: the buyer may review within the window, then the seller may reply', () => {
    expect(allowedActions(stateOf(completed()), buyer, at(11))).toEqual(['post_review']);
    expect(allowedActions(stateOf(completed()), buyer, at(40))).toEqual([]);
    expect(allowedActions(stateOf(history(place(), pay(), ship(), confirm(), review())), seller, at(12))).toEqual(['reply_review', 'rate_buyer']);
  });
  it('the system sees the system transitions (pay while placed)', () => {
    expect(allowedActions(stateOf(placed()), system, at(0, 1))).toEqual(['pay']);
  });
});

describe('orderView (API.md)', () => {
  it('O1: placed shows as awaiting payment with its payment deadline and the address', () => {
    const v = orderView(existing(placed()), buyer, at(0, 1));
    expect(v).toMatchObject({
      status: 'awaiting_payment',
      lifecycleStatus: 'placed',
      total: TOTAL,
      paid: null,
      shippingAddress: address,
      protectionEndsAt: null,
      disputeOpen: false,
      allowedActions: ['cancel'],
      deadlines: [{ kind: 'payment', dueAt: at(1), actor: 'buyer', onExpiry: 'order_closed_unpaid' }],
    });
  });
  it('the shipping address is shown to the parties and agents, never to a partner (e.g. a carrier reporting delivery)', () => {
    const s = existing(shipped());
    for (const who of [buyer, seller, agent]) expect(orderView(s, who, at(2)).shippingAddress).toEqual(address);
    expect(orderView(s, { role: 'partner', id: 'carrier-1' }, at(2)).shippingAddress).toBeNull();
  });
  it('O1/O5/O8: shipped with an approved extension shows the extended protection end', () => {
    const v = orderView(existing(history(place(), pay(), ship(), requestExt(), approveExt())), buyer, at(12));
    expect(v).toMatchObject({ status: 'shipped', protectionEndsAt: at(75), paid: TOTAL, shipment: { carrier: 'DHL' } });
    expect(v.extensions).toMatchObject([{ extensionId: 'ext-1', outcome: 'approved' }]);
  });
  it('O9: during a dispute: disputeOpen, protection suspended with the remaining time, no protection end', () => {
    const v = orderView(existing(disputed()), seller, at(12));
    expect(v).toMatchObject({
      disputeOpen: true,
      disputeId: 'd-1',
      protectionSuspended: true,
      protectionRemaining: 'P51D',
      protectionEndsAt: null,
      deadlines: [],
    });
  });
  it('O1: completed and closed', () => {
    expect(orderView(existing(completed()), buyer, at(11))).toMatchObject({ status: 'completed', completionReason: 'CONFIRMED', completedAt: at(10) });
    expect(orderView(existing(history(place(), pay(), ship(), confirm())), buyer, at(11)).protectionEndsAt).toBe(PROTECTION_END);
    const closed = orderView(existing(history(place(), cancel())), buyer, at(1));
    expect(closed).toMatchObject({ status: 'closed', closedReason: 'CANCELLED', allowedActions: [] });
  });
});
