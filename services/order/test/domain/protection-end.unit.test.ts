import { spec } from '@bp/testing';
import { deadlines, orderDecider } from '../../src/domain/order';
import {
  ORDER,
  PROTECTION_END,
  appealDecided,
  appealFiled,
  at,
  confirm,
  disputeOpened,
  disputeSettled,
  disputeWithdrawn,
  fire,
  history,
  pay,
  place,
  protectionEndAcknowledged,
  resendShipped,
  ship,
  stateOf,
} from './fixtures';

const order = spec(orderDecider);
const DAY = 86_400_000;
const ending = () => history(place(), pay(), ship(), fire('protection_end', PROTECTION_END));

describe('S3, O7: the protection-end handshake', () => {
  it('S3: the acknowledgement naming no dispute completes the order (AUTO_CONFIRMED, escrow releases)', () => {
    order
      .given(ending())
      .when(protectionEndAcknowledged(1, at(61, 1)))
      .then((events) => {
        expect(events).toMatchObject([{ type: 'OrderCompleted', data: { orderId: ORDER, reason: 'AUTO_CONFIRMED', completedAt: at(61, 1) } }]);
      });
  });
  it('S3 (issue 17): a dispute opened before the end but consumed after it is never released over: the acknowledgement names it and the order suspends', () => {
    order
      .given(ending())
      .when(protectionEndAcknowledged(1, at(61, 1), 'd-late'))
      .then([
        {
          type: 'ProtectionSuspended',
          data: { orderId: ORDER, disputeId: 'd-late', suspendedAt: at(61, 1), remainingMs: -3_600_000, cause: 'DISPUTE_OPENED' },
        },
      ]);
  });
  it('S3: the late DisputeOpened itself suspends a pending round; its answer is then stale; the settlement completes the order', () => {
    const withDispute = history(place(), pay(), ship(), fire('protection_end', PROTECTION_END), disputeOpened(at(60, 23), 'd-late'));
    expect(withDispute.map((e) => e.type).slice(-1)).toEqual(['ProtectionSuspended']);
    order
      .given(withDispute)
      .when(protectionEndAcknowledged(1, at(61, 1), 'd-late'))
      .thenNothingHappens();
    order
      .given(withDispute)
      .when(protectionEndAcknowledged(1, at(61, 1)))
      .thenNothingHappens();
    order
      .given(withDispute)
      .when(disputeSettled(1000, at(65), 'd-late'))
      .then((events) => {
        expect(events).toMatchObject([{ type: 'OrderCompleted', data: { reason: 'DISPUTE_SETTLED' } }]);
      });
  });
  it('S3: an answer to an earlier round is stale; a withdrawal after the end starts round 2', () => {
    const round2 = history(place(), pay(), ship(), fire('protection_end', PROTECTION_END), disputeOpened(at(62)), disputeWithdrawn(at(70)));
    expect(round2.slice(-1)).toMatchObject([{ type: 'ProtectionEnded', data: { round: 2, endedAt: at(70) } }]);
    order
      .given(round2)
      .when(protectionEndAcknowledged(1, at(71)))
      .thenNothingHappens();
    order
      .given(round2)
      .when(protectionEndAcknowledged(2, at(71)))
      .then((events) => {
        expect(events).toMatchObject([{ type: 'OrderCompleted', data: { reason: 'AUTO_CONFIRMED' } }]);
      });
  });
  it('O6: the buyer cannot confirm once protection ended (the round decides)', () => {
    order
      .given(ending())
      .when(confirm(at(61, 1)))
      .thenRefuses('PROTECTION_EXPIRED');
  });
  it('S3: an acknowledgement on a finished order changes nothing (a final state never changes)', () => {
    order
      .given(history(place(), pay(), ship(), confirm()))
      .when(protectionEndAcknowledged(1, at(61)))
      .thenNothingHappens();
  });
});

describe('R7, R8, S3: an appeal of a resend ruling after the replacement shipped', () => {
  const resent = () => history(place(), pay(), ship(), disputeOpened(at(10)), resendShipped(at(20)));
  it('R7 (issue 17): the appeal reopens the dispute on the order: protection is suspended again, no auto-confirm while it is decided', () => {
    const s = stateOf(resent());
    const endsAt = s.status === 'shipped' ? s.protection.endsAt : '';
    order
      .given(resent())
      .when(appealFiled(at(25)))
      .then([
        {
          type: 'ProtectionSuspended',
          data: { orderId: ORDER, disputeId: 'd-1', suspendedAt: at(25), remainingMs: Date.parse(endsAt) - Date.parse(at(25)), cause: 'APPEAL_FILED' },
        },
      ]);
    expect(deadlines(stateOf(history(place(), pay(), ship(), disputeOpened(at(10)), resendShipped(at(20)), appealFiled(at(25))))).map((d) => d.kind)).toEqual(
      [],
    );
  });
  it('R8 (issue 17): OVERTURN settles through DisputeSettled, which the order now applies (completes or closes)', () => {
    const appealed = history(place(), pay(), ship(), disputeOpened(at(10)), resendShipped(at(20)), appealFiled(at(25)));
    order
      .given(appealed)
      .when(disputeSettled(2000, at(30)))
      .then((events) => {
        expect(events).toMatchObject([{ type: 'OrderCompleted', data: { reason: 'DISPUTE_SETTLED', disputeId: 'd-1' } }]);
      });
    order
      .given(appealed)
      .when(disputeSettled(5000, at(30)))
      .then((events) => {
        expect(events).toMatchObject([{ type: 'OrderClosed', data: { reason: 'REFUNDED', disputeId: 'd-1' } }]);
      });
  });
  it('R8: UPHOLD resumes protection with the time that was left (APPEAL_UPHELD)', () => {
    const appealed = history(place(), pay(), ship(), disputeOpened(at(10)), resendShipped(at(20)), appealFiled(at(25)));
    const s = stateOf(appealed);
    const remaining = s.status === 'shipped' && s.protection.suspension ? s.protection.suspension.remainingMs : 0;
    order
      .given(appealed)
      .when(appealDecided('UPHOLD', at(30)))
      .then([
        {
          type: 'ProtectionResumed',
          data: {
            orderId: ORDER,
            disputeId: 'd-1',
            resumedAt: at(30),
            protectionEndsAt: new Date(Date.parse(at(30)) + remaining).toISOString(),
            cause: 'APPEAL_UPHELD',
            extendedByDays: 0,
          },
        },
      ]);
    expect(remaining).toBeGreaterThan(60 * DAY);
  });
  it('R7: an appeal of a dispute that was never resent (return case: still suspended) or of another order state changes nothing', () => {
    order
      .given(history(place(), pay(), ship(), disputeOpened(at(10))))
      .when(appealFiled(at(25)))
      .thenNothingHappens();
    order
      .given(history(place(), pay(), ship(), disputeOpened(at(10))))
      .when(appealDecided('UPHOLD', at(25)))
      .thenNothingHappens();
    order
      .given(history(place(), pay(), ship()))
      .when(appealFiled(at(25), 'd-9'))
      .thenNothingHappens();
    order
      .given(history(place(), pay(), ship(), confirm()))
      .when(appealFiled(at(25)))
      .thenNothingHappens();
  });
});
