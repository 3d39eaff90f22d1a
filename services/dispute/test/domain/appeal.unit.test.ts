import { spec } from '@bp/testing';
import { disputeDecider, type DisputeEvent } from '../../src/domain/dispute';
import { agent, buyer, cmd, day, escalatedAt, fire, history, open, ofType, seller, types, usd } from './fixtures';

const given = (events: DisputeEvent[]) => spec(disputeDecider).given(events);
const appeal = (now: string, actor = buyer) =>
  cmd(
    'FileAppeal',
    { reason: 'RESOLUTION_NOT_ACCEPTED', subReasons: ['MESSAGE_HISTORY_SUFFICIENT'], statement: 'please look again', evidence: [] },
    actor,
    now,
  );
const decide = (decision: 'UPHOLD' | 'OVERTURN', refund?: number, now = day(20)) =>
  cmd('DecideAppeal', { decision, note: 'reviewed', ...(refund === undefined ? {} : { refund: usd(refund) }) }, agent, now);
const more = (events: DisputeEvent[], ...commands: Parameters<typeof disputeDecider.decide>[0][]) =>
  commands.reduce((acc, c) => [...acc, ...disputeDecider.decide(c, acc.reduce(disputeDecider.evolve, disputeDecider.initialState))], events);

const ruledRefund = () => more(escalatedAt(), cmd('Rule', { refund: usd(2000), returnRequired: false, note: 'partial' }, agent, day(15))); // D8: after the evidence window (escalated day 10)
const ruledReturn = () => more(escalatedAt(), cmd('Rule', { refund: usd(10_000), returnRequired: true, note: 'return' }, agent, day(15))); // D8: after the evidence window (escalated day 10)

describe('appeal (R7, R8)', () => {
  it('R7: the buyer appeals a ruling within 15 days', () =>
    void given(ruledRefund())
      .when(appeal(day(27)))
      .then((e, s) => {
        expect(types(e)).toEqual(['AppealFiled', 'ThreadEntryAdded']);
        expect(ofType(e, 'AppealFiled')[0]!.data).toMatchObject({ filedBy: 'buyer', reason: 'RESOLUTION_NOT_ACCEPTED' });
        expect(s.status).toBe('appealed');
      }));
  it('R7, S1: an agent may file for the buyer', () =>
    void given(ruledRefund())
      .when(appeal(day(16), agent))
      .then((e) => void expect(ofType(e, 'AppealFiled')[0]!.data.filedBy).toBe('agent')));
  it('R7: after the window -> APPEAL_WINDOW_CLOSED', () =>
    given(ruledRefund())
      .when(appeal(day(30, 1)))
      .thenRefuses('APPEAL_WINDOW_CLOSED'));
  it('R7: without an arbitration ruling -> NOT_ARBITRATED', () =>
    given(
      history(
        open({ solution: { type: 'RETURN_AND_REFUND', refund: usd(10_000) } }),
        cmd('AcceptProposal', {}, seller, day(8)),
        cmd('ShipReturn', { carrier: 'c', trackingNumber: 't' }, buyer, day(9)),
        cmd('ConfirmReturnReceipt', { condition: 'RECEIVED_OK' }, seller, day(10)),
      ),
    )
      .when(appeal(day(11)))
      .thenRefuses('NOT_ARBITRATED'));
  it('R8: a second appeal -> APPEAL_ALREADY_FILED', () => {
    given(more(ruledRefund(), appeal(day(16))))
      .when(appeal(day(17)))
      .thenRefuses('APPEAL_ALREADY_FILED');
    given(more(ruledRefund(), appeal(day(16)), decide('UPHOLD')))
      .when(appeal(day(21)))
      .thenRefuses('APPEAL_ALREADY_FILED');
  });
  it('R8: the return was missed after the ruling -> APPEAL_NOT_ALLOWED_RETURN_MISSED', () =>
    given(more(ruledReturn(), fire('return_shipment', day(25))))
      .when(appeal(day(26)))
      .thenRefuses('APPEAL_NOT_ALLOWED_RETURN_MISSED'));
  it('R2, R8: an AGREED return missed is refused with the same code (not NOT_ARBITRATED)', () =>
    given(history(open(), cmd('AcceptProposal', {}, seller, day(8)), fire('return_shipment', day(18))))
      .when(appeal(day(19)))
      .thenRefuses('APPEAL_NOT_ALLOWED_RETURN_MISSED'));
  it('R7: the seller cannot appeal -> ROLE_NOT_ALLOWED', () =>
    given(ruledRefund())
      .when(appeal(day(16), seller))
      .thenRefuses('ROLE_NOT_ALLOWED'));

  it('R8, E5: OVERTURN of a settled dispute corrects it (AppealDecided, correction, new total refund)', () =>
    void given(more(ruledRefund(), appeal(day(16))))
      .when(decide('OVERTURN', 7000))
      .then((e, s) => {
        expect(ofType(e, 'AppealDecided')[0]!.data).toMatchObject({ decision: 'OVERTURN', refund: usd(7000), previousRefund: usd(2000), correction: true });
        expect(ofType(e, 'DisputeSettled')).toHaveLength(0);
        expect(s.status).toBe('appeal_decided');
      }));
  it('R8: UPHOLD keeps the refund and moves no money', () =>
    void given(more(ruledRefund(), appeal(day(16))))
      .when(decide('UPHOLD'))
      .then((e) => {
        expect(ofType(e, 'AppealDecided')[0]!.data).toMatchObject({ decision: 'UPHOLD', refund: usd(2000), correction: false });
      }));
  it('R8: OVERTURN needs a refund within 0..paid', () => {
    given(more(ruledRefund(), appeal(day(16))))
      .when(decide('OVERTURN'))
      .thenRefuses('OVERTURN_REFUND_REQUIRED');
    given(more(ruledRefund(), appeal(day(16))))
      .when(decide('OVERTURN', 10_001))
      .thenRefuses('REFUND_ABOVE_PAID');
  });
  it('R7, R8: appeal of a return ruling while the return is pending: OVERTURN settles by APPEAL', () =>
    void given(more(ruledReturn(), appeal(day(16))))
      .when(decide('OVERTURN', 4000))
      .then((e, s) => {
        expect(ofType(e, 'DisputeSettled')[0]!.data).toMatchObject({ refund: usd(4000), settledBy: 'APPEAL' });
        expect(ofType(e, 'AppealDecided')[0]!.data.correction).toBe(false);
        expect(s.status).toBe('appeal_decided');
      }));
  it('R8: UPHOLD of a return ruling restores the return with a fresh window', () =>
    void given(more(ruledReturn(), appeal(day(16))))
      .when(decide('UPHOLD'))
      .then((e, s) => {
        expect(ofType(e, 'ReturnRequested')[0]!.data).toMatchObject({ requestedBy: 'APPEAL', shipBy: day(30) });
        expect(s.status).toBe('awaiting_return_shipment');
      }));
  it('R8: only an agent decides an appeal', () =>
    given(more(ruledRefund(), appeal(day(16))))
      .when({ ...decide('UPHOLD'), meta: { now: day(20), actor: buyer } })
      .thenRefuses('ROLE_NOT_ALLOWED'));
});
