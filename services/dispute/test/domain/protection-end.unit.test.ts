import { spec } from '@bp/testing';
import { disputeFactsOf, orderFactsDecider, type OrderFactsEvent } from '../../src/domain/order-facts';
import { disputeDecider, orderFactsCommandsFor } from '../../src/domain/dispute';
import { day, policy, SHIPPED_AT, usd } from './fixtures';

const meta = { now: day(61) };
const placed: OrderFactsEvent = {
  type: 'OrderPlacedRecorded',
  data: { orderId: 'o1', buyerId: 'b1', sellerId: 's1', total: usd(100), protectionDays: 60, policy, placedAt: day(-2) },
};
const paid: OrderFactsEvent = { type: 'OrderPaidRecorded', data: { orderId: 'o1', amount: usd(100), paidAt: day(-1) } };
const shipped: OrderFactsEvent = { type: 'OrderShippedRecorded', data: { orderId: 'o1', shippedAt: SHIPPED_AT, protectionEndsAt: day(60) } };
const reserved = (disputeId: string): OrderFactsEvent => ({ type: 'DisputeReservedOnOrder', data: { orderId: 'o1', disputeId, at: day(59) } });
const ended = (round = 1) => ({ type: 'RecordProtectionEnded' as const, data: { orderId: 'o1', round, endedAt: day(60) }, meta });
const ack = (openDisputeId: string | null, round = 1): OrderFactsEvent => ({
  type: 'ProtectionEndAcknowledged',
  data: { orderId: 'o1', round, openDisputeId, acknowledgedAt: day(61) },
});
const facts = spec(orderFactsDecider);

describe('S3: the protection-end handshake on the dispute side (order facts)', () => {
  it('S3: ProtectionEnded is acknowledged with no dispute; a redelivery is harmless', () => {
    facts
      .given([placed, paid, shipped])
      .when(ended())
      .then([ack(null)]);
    facts
      .given([placed, paid, shipped, ack(null)])
      .when(ended())
      .thenNothingHappens();
  });
  it('S3 (issue 17): a dispute opened before the end is named, so the order suspends instead of releasing', () =>
    void facts
      .given([placed, paid, shipped, reserved('d1')])
      .when(ended())
      .then([ack('d1')]));
  it('S3, D1: after the acknowledgement no dispute opens, even while the copied end is still ahead or the protection suspended', () => {
    const later: OrderFactsEvent = { type: 'ProtectionChangeRecorded', data: { orderId: 'o1', protectionEndsAt: null, at: day(59) } };
    const state = facts.given([placed, paid, shipped, later, ack(null)]).state;
    const f = disputeFactsOf(state, 'A1', ['A4'])!;
    expect(f).toMatchObject({ protectionEnded: true, protectionSuspended: true });
    const open = {
      type: 'OpenDispute' as const,
      data: {
        disputeId: 'd9',
        orderId: 'o1',
        goodsReceived: false,
        reason: 'NOT_RECEIVED' as const,
        solution: { type: 'REFUND_ONLY' as const, refund: usd(100) },
        description: 'x',
        evidence: [],
        order: f,
      },
      meta: { now: day(30), actor: { role: 'buyer' as const, id: 'b1' } },
    };
    spec(disputeDecider).given([]).when(open).thenRefuses('PROTECTION_EXPIRED');
  });
  it('D9: protection running again (a resend) lets disputes open again', () => {
    const resumed: OrderFactsEvent = { type: 'ProtectionChangeRecorded', data: { orderId: 'o1', protectionEndsAt: day(120), at: day(62) } };
    expect(facts.given([placed, paid, shipped, ack(null), resumed]).state).toMatchObject({ protectionEnded: false });
  });
});

describe('R7, S3: an appeal of a resend-resolved dispute holds the order again', () => {
  const released: OrderFactsEvent = { type: 'DisputeReleasedOnOrder', data: { orderId: 'o1', disputeId: 'd1', at: day(20) } };
  const [reopen] = orderFactsCommandsFor({ type: 'AppealFiled', data: { disputeId: 'd1', orderId: 'o1' } } as never, day(25));
  const [close] = orderFactsCommandsFor({ type: 'AppealDecided', data: { disputeId: 'd1', orderId: 'o1' } } as never, day(30));
  const reopened: OrderFactsEvent = { type: 'DisputeReopenedOnOrder', data: { orderId: 'o1', disputeId: 'd1', at: day(25) } };
  it('R7 (issue 17): the appeal reopens the order slot (no second dispute, and the acknowledgement names it)', () => {
    facts
      .given([placed, paid, shipped, reserved('d1'), released])
      .when(reopen!)
      .then([reopened]);
    facts
      .given([placed, paid, shipped, reserved('d1'), released, reopened])
      .when(ended())
      .then([ack('d1')]);
  });
  it('R8: the decision releases it (UPHOLD); a settled or still-open dispute is not reopened', () => {
    facts
      .given([placed, paid, shipped, reserved('d1'), released, reopened])
      .when(close!)
      .then([{ type: 'DisputeReleasedOnOrder', data: { orderId: 'o1', disputeId: 'd1', at: day(30) } }]);
    facts
      .given([placed, paid, shipped, reserved('d1')])
      .when(reopen!)
      .thenNothingHappens();
    facts
      .given([placed, paid, shipped, reserved('d1'), { ...released, data: { ...released.data, settled: true } } as OrderFactsEvent])
      .when(reopen!)
      .thenNothingHappens();
    facts
      .given([placed, paid, shipped, reserved('d1')])
      .when(close!)
      .thenNothingHappens();
  });
  it('R7, E5: once protection ended (acknowledged) the appeal does not hold the order: an OVERTURN corrects after release', () =>
    void facts
      .given([placed, paid, shipped, reserved('d1'), released, ack(null)])
      .when(reopen!)
      .thenNothingHappens());
  it('R7 (simulation seed 16678): a protection end acknowledged while the dispute held the order let no money go: the appeal reopens', () =>
    void facts
      .given([placed, paid, shipped, reserved('d1'), ack('d1'), released])
      .when(reopen!)
      .then([reopened]));
  it('R7, D12 (simulation seed 16678): a later dispute supersedes the appeal of an earlier one, open or ended (APPEAL_SUPERSEDED)', () => {
    facts
      .given([placed, paid, shipped, reserved('d1'), released, reserved('d2')])
      .when(reopen!)
      .thenRefuses('APPEAL_SUPERSEDED');
    const d2Settled: OrderFactsEvent = { type: 'DisputeReleasedOnOrder', data: { orderId: 'o1', disputeId: 'd2', at: day(40), settled: true } };
    facts
      .given([placed, paid, shipped, reserved('d1'), released, reserved('d2'), d2Settled])
      .when(reopen!)
      .thenRefuses('APPEAL_SUPERSEDED');
  });
});
