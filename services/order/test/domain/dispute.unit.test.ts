import { spec } from '@bp/testing';
import { orderDecider, type OrderState } from '../../src/domain/order';
import {
  ORDER,
  TOTAL,
  at,
  buyer,
  completed,
  confirm,
  disputeOpened,
  disputeSettled,
  disputeWithdrawn,
  disputed,
  history,
  paid,
  pay,
  place,
  resendShipped,
  seller,
  ship,
  shipped,
  stateOf,
} from './fixtures';

const order = spec(orderDecider);
const parties = { orderId: ORDER, buyerId: buyer.id, sellerId: seller.id };
const DAY = 86_400_000;
const protectionOf = (s: OrderState) => (s.status === 'shipped' || s.status === 'delivered' || s.status === 'completed' ? s.protection : null);

describe('RecordDisputeOpened (O9)', () => {
  it('O9: suspends protection and keeps the remaining time', () => {
    order
      .given(shipped())
      .when(disputeOpened())
      .then([{ type: 'ProtectionSuspended', data: { orderId: ORDER, disputeId: 'd-1', suspendedAt: at(10), remainingMs: 51 * DAY } }]);
  });
  it('O9: the same dispute again, or a record after the order finished, is harmless', () => {
    order
      .given(disputed())
      .when(disputeOpened(at(10, 1)))
      .thenNothingHappens();
    order
      .given(completed())
      .when(disputeOpened(at(11)))
      .thenNothingHappens();
  });
  it('O9: a second dispute while one is open is refused (DISPUTE_ALREADY_OPEN); before shipment ORDER_NOT_SHIPPED', () => {
    order
      .given(disputed())
      .when(disputeOpened(at(11), 'd-2'))
      .thenRefuses('DISPUTE_ALREADY_OPEN');
    order.given(paid()).when(disputeOpened()).thenRefuses('ORDER_NOT_SHIPPED');
  });
  it('O9: only the system records disputes (ROLE_NOT_ALLOWED)', () => {
    order
      .given(shipped())
      .when({ ...disputeOpened(), meta: { now: at(10), actor: buyer } })
      .thenRefuses('ROLE_NOT_ALLOWED');
  });
});

describe('RecordDisputeWithdrawn (O9, D7)', () => {
  it('O9: protection resumes with the remaining time: endsAt = withdrawnAt + remaining', () => {
    order
      .given(disputed())
      .when(disputeWithdrawn(at(20)))
      .then((events, state) => {
        expect(events).toEqual([
          {
            type: 'ProtectionResumed',
            data: {
              orderId: ORDER,
              disputeId: 'd-1',
              resumedAt: at(20),
              protectionEndsAt: at(71),
              cause: 'DISPUTE_WITHDRAWN',
              extendedByDays: 0,
            },
          },
        ]);
        expect(protectionOf(state)).toMatchObject({ suspendedMs: 10 * DAY, endsAt: at(71), suspension: null });
      });
  });
  it('O9, S3: if protection had already run out, protection ends at once: the order asks the dispute service (ProtectionEnded), it does not complete by itself', () => {
    const late = history(place(), pay(), ship(), disputeOpened(at(62)));
    order
      .given(late)
      .when(disputeWithdrawn(at(70)))
      .then((events) => {
        expect(events.map((e) => e.type)).toEqual(['ProtectionResumed', 'ProtectionEnded']);
        expect(events[1]).toMatchObject({ data: { orderId: ORDER, round: 1, endedAt: at(70) } });
      });
  });
  it('O9: a withdrawal of another or no dispute is stale', () => {
    order
      .given(disputed())
      .when(disputeWithdrawn(at(20), 'other'))
      .thenNothingHappens();
    order.given(shipped()).when(disputeWithdrawn()).thenNothingHappens();
  });
  it('O6: after the withdrawal the buyer may confirm again', () => {
    order
      .given(history(place(), pay(), ship(), disputeOpened(), disputeWithdrawn()))
      .when(confirm(at(21)))
      .then((events) => {
        expect(events).toMatchObject([{ type: 'OrderCompleted', data: { reason: 'CONFIRMED' } }]);
      });
  });
});

describe('RecordDisputeSettled (E3)', () => {
  it('E3: a full refund closes the order REFUNDED (escrow refunds from DisputeSettled: no refund due here)', () => {
    order
      .given(disputed())
      .when(disputeSettled(5000))
      .then([{ type: 'OrderClosed', data: { ...parties, reason: 'REFUNDED', refundDue: false, closedAt: at(20), disputeId: 'd-1' } }]);
  });
  it('E3: a partial or no refund completes the order DISPUTE_SETTLED (the remainder is released)', () => {
    order
      .given(disputed())
      .when(disputeSettled(1000))
      .then([{ type: 'OrderCompleted', data: { ...parties, amount: TOTAL, completedAt: at(20), reason: 'DISPUTE_SETTLED', disputeId: 'd-1' } }]);
  });
  it('E3: a settlement of another dispute, or a repeated one, is stale', () => {
    order
      .given(disputed())
      .when(disputeSettled(1000, at(20), 'other'))
      .thenNothingHappens();
    order
      .given(history(place(), pay(), ship(), disputeOpened(), disputeSettled(1000)))
      .when(disputeSettled(1000))
      .thenNothingHappens();
  });
});

describe('RecordResendShipped (D9)', () => {
  it('D9: protection resumes, extended by the shipping method protection days', () => {
    order
      .given(disputed())
      .when(resendShipped(at(20)))
      .then((events, state) => {
        expect(events).toEqual([
          {
            type: 'ProtectionResumed',
            data: {
              orderId: ORDER,
              disputeId: 'd-1',
              resumedAt: at(20),
              protectionEndsAt: at(131),
              cause: 'RESEND_SHIPPED',
              extendedByDays: 60,
            },
          },
        ]);
        const p = protectionOf(state);
        expect(p).toMatchObject({ resendDays: 60, suspendedMs: 10 * DAY, suspension: null });
      });
  });
  it('D9: the dispute service may give the extension days', () => {
    order
      .given(disputed())
      .when(resendShipped(at(20), 'd-1', 30))
      .then((events) => {
        expect(events).toMatchObject([{ data: { protectionEndsAt: at(101), extendedByDays: 30 } }]);
      });
  });
  it('D9: a resend for another dispute is stale', () => {
    order
      .given(disputed())
      .when(resendShipped(at(20), 'other'))
      .thenNothingHappens();
  });
});

it('O9: state keeps the open dispute', () => {
  expect(protectionOf(stateOf(disputed()))?.suspension).toEqual({ disputeId: 'd-1', since: at(10), remainingMs: 51 * DAY });
});
