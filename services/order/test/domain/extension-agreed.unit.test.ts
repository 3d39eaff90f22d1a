// O8: a dispute demanding the extension the seller had declined ends with it (DisputeProtectionExtensionAgreed
// on disputes.v1 -> RecordExtensionAgreed): protection resumes with the time it had left plus the days,
// counted as an approved extension; the money stays held.
import { spec } from '@bp/testing';
import { deadlines, orderDecider } from '../../src/domain/order';
import {
  ORDER,
  approveExt,
  at,
  buyer,
  cmd,
  completed,
  declineExt,
  disputeOpened,
  disputeWithdrawn,
  history,
  pay,
  place,
  requestExt,
  ship,
  shipped,
  stateOf,
  system,
} from './fixtures';

const order = spec(orderDecider);
const agreed = (days = 14, now = at(20), disputeId = 'd-1') => cmd('RecordExtensionAgreed', { disputeId, days, agreedAt: now }, system, now);
/** Shipped day 1 (protection to day 61), extension declined day 9, dispute opened day 10: 51 days left. */
const declinedThenDisputed = () => history(place(), pay(), ship(), requestExt(at(8)), declineExt(at(9)), disputeOpened(at(10)));

describe('RecordExtensionAgreed (O8: the declined extension, agreed in a dispute)', () => {
  it('O8: protection resumes N days longer: resumedAt + the time left when the dispute opened + N days', () => {
    order
      .given(declinedThenDisputed())
      .when(agreed())
      .then([
        {
          type: 'ProtectionResumed',
          data: { orderId: ORDER, disputeId: 'd-1', resumedAt: at(20), protectionEndsAt: at(20 + 51 + 14), cause: 'EXTENSION_AGREED', extendedByDays: 14 },
        },
      ]);
  });
  it('O8, O9: the order runs again: no dispute open, protection_end at the new end, the extension counted as approved', () => {
    const s = stateOf(history(place(), pay(), ship(), requestExt(at(8)), declineExt(at(9)), disputeOpened(at(10)), agreed()));
    expect(s).toMatchObject({ status: 'shipped', protection: { suspension: null, extensionDays: 14, endsAt: at(85) } });
    expect(deadlines(s)).toEqual([{ kind: 'protection_end', dueAt: at(85), actor: 'buyer', onExpiry: 'auto_confirmed' }]);
    if (s.status !== 'shipped') throw new Error('shipped expected');
    expect(s.extensions.map((x) => [x.extensionId, x.outcome, x.days])).toEqual([
      ['ext-1', 'declined', 14],
      ['dispute-d-1', 'approved', 14],
    ]);
  });
  it('O8: an agreed extension counts toward the cap of approved extensions (EXTENSION_LIMIT_REACHED)', () => {
    const one = history(
      place(),
      pay(),
      ship(),
      requestExt(at(2), 5, 'a'),
      approveExt(at(2), 'a'),
      requestExt(at(3), 5, 'b'),
      declineExt(at(4), 'b'),
      disputeOpened(at(10)),
      agreed(7, at(12)),
    );
    order
      .given(one)
      .when(requestExt(at(13), 5, 'c'))
      .thenRefuses('EXTENSION_LIMIT_REACHED');
  });
  it('O8: stale records change nothing: another dispute, no dispute open, the same record again, a finished order', () => {
    order
      .given(declinedThenDisputed())
      .when(agreed(14, at(20), 'd-other'))
      .thenNothingHappens();
    order.given(shipped()).when(agreed()).thenNothingHappens();
    order
      .given(history(place(), pay(), ship(), disputeOpened(), agreed()))
      .when(agreed(14, at(21)))
      .thenNothingHappens();
    order
      .given(history(place(), pay(), ship(), disputeOpened(), disputeWithdrawn()))
      .when(agreed(14, at(21)))
      .thenNothingHappens();
    order
      .given(completed())
      .when(agreed(14, at(11)))
      .thenNothingHappens();
  });
  it('O8: only the system records it (ROLE_NOT_ALLOWED for a party)', () => {
    order
      .given(declinedThenDisputed())
      .when({ ...agreed(), meta: { now: at(20), actor: buyer } })
      .thenRefuses('ROLE_NOT_ALLOWED');
  });
});
