import { spec } from '@bp/testing';
import { disputeDecider, type DisputeEvent } from '../../src/domain/dispute';
import { agent, buyer, cmd, day, escalatedAt, fire, history, open, ofType, facts, PAID, seller, types, usd } from './fixtures';

const given = (events: DisputeEvent[]) => spec(disputeDecider).given(events);
const ruleRefund = (refund: number, now = day(15), comp?: number) =>
  cmd('Rule', { refund: usd(refund), returnRequired: false, note: 'ruled', ...(comp ? { returnShippingCompensation: usd(comp) } : {}) }, agent, now);
const ruleReturn = (refund: number, now = day(15), comp?: number) =>
  cmd('Rule', { refund: usd(refund), returnRequired: true, note: 'return it', ...(comp ? { returnShippingCompensation: usd(comp) } : {}) }, agent, now);
const shipReturn = (now = day(14)) => cmd('ShipReturn', { carrier: 'DHL', trackingNumber: 'R1' }, buyer, now);
/** R6: the level is the one at opening (the dispute's terms). */
const opened = (level?: 'A3') => (level ? open({ order: facts({ buyerLevel: level }) }) : open());
const returning = (level?: 'A3') => history(opened(level), cmd('AcceptProposal', {}, seller, day(8)), shipReturn(day(9)));

describe('arbitration (D8)', () => {
  it('D8: escalation opens a 5-day evidence window and a 15-day SLA', () =>
    void expect(ofType(escalatedAt(), 'DisputeEscalated')[0]!.data).toMatchObject({ evidenceDueAt: day(15), rulingDueAt: day(25), expedited: false }));
  it('D8, O12: A4 buyers get the expedited 5-day SLA', () =>
    void expect(ofType(escalatedAt(day(10), 'A4'), 'DisputeEscalated')[0]!.data).toMatchObject({ rulingDueAt: day(15), expedited: true }));
  it('D8: the evidence window closes -> awaiting ruling', () =>
    void given(escalatedAt())
      .when(fire('evidence_window', day(15)))
      .then((e, s) => void expect([types(e), s.status]).toEqual([['EvidenceWindowClosed'], 'awaiting_ruling'])));
  it('D8: a missed SLA raises ArbitrationSlaBreached once and never decides', () => {
    const late = escalatedAt();
    const events = given(late)
      .when(fire('ruling_sla', day(25)))
      .then((e, s) => {
        expect(types(e)).toEqual(['ArbitrationSlaBreached']);
        expect(s.status).toBe('in_arbitration');
      });
    given([...late, ...events])
      .when(fire('ruling_sla', day(25)))
      .thenNothingHappens();
  });
  it('D8: a refund ruling settles (RULING), compensation included, never above paid', () => {
    given(escalatedAt())
      .when(ruleRefund(4000, day(15), 500))
      .then((e, s) => {
        expect(types(e)).toEqual(['DisputeRuled', 'ThreadEntryAdded', 'DisputeSettled']);
        expect(ofType(e, 'DisputeSettled')[0]!.data).toMatchObject({ refund: usd(4500), returnShippingCompensation: usd(500), settledBy: 'RULING' });
        expect(s.status).toBe('resolved');
      });
    given(escalatedAt())
      .when(ruleRefund(9800, day(15), 500))
      .thenRefuses('REFUND_ABOVE_PAID');
  });
  it('D8: a refund of 0 releases everything to the seller', () =>
    void given(escalatedAt())
      .when(ruleRefund(0))
      .then((e) => void expect(ofType(e, 'DisputeSettled')[0]!.data.refund).toEqual(usd(0))));
  it('D8, R1: a return ruling requests the return', () =>
    void given(escalatedAt())
      .when(ruleReturn(PAID.amount))
      .then((e, s) => void expect([ofType(e, 'ReturnRequested')[0]!.data.requestedBy, s.status]).toEqual(['RULING', 'awaiting_return_shipment'])));
  it('D8: the agent may pick a proposal on the table; an unknown one -> PROPOSAL_NOT_FOUND', () => {
    given(escalatedAt())
      .when(cmd('Rule', { proposalId: 'd-1-p1', note: 'buyer is right' }, agent, day(15)))
      .then((e) => void expect(ofType(e, 'DisputeRuled')[0]!.data.proposalId).toBe('d-1-p1'));
    given(escalatedAt())
      .when(cmd('Rule', { proposalId: 'nope', note: 'x' }, agent, day(15)))
      .thenRefuses('PROPOSAL_NOT_FOUND');
  });
  it('D8 (issue 17): no ruling while the evidence window is open (by time, even before its timer fired)', () => {
    given(escalatedAt())
      .when(ruleRefund(1000, day(14, 23)))
      .thenRefuses('EVIDENCE_WINDOW_OPEN');
    given(escalatedAt())
      .when(cmd('Rule', { proposalId: 'd-1-p1', note: 'x' }, agent, day(12)))
      .thenRefuses('EVIDENCE_WINDOW_OPEN');
    void given(escalatedAt())
      .when(ruleRefund(1000, day(15)))
      .then((e) => void expect(types(e)).toContain('DisputeSettled'));
  });
  it('D8: only an agent rules, only in arbitration', () => {
    given(escalatedAt())
      .when(ruleRefund(1))
      .then((e) => void expect(e.length).toBe(3));
    given(escalatedAt())
      .when({ ...ruleRefund(1), meta: { now: day(12), actor: seller } })
      .thenRefuses('ROLE_NOT_ALLOWED');
    given(history(open())).when(ruleRefund(1)).thenRefuses('ACTION_NOT_ALLOWED');
  });
});

describe('returns (R1-R4, R6)', () => {
  it('R1: the buyer ships the return; the seller has 30 days to answer (R3)', () =>
    void given(history(open(), cmd('AcceptProposal', {}, seller, day(8))))
      .when(shipReturn(day(9)))
      .then((e, s) => {
        expect(ofType(e, 'ReturnShipped')[0]!.data).toMatchObject({ carrier: 'DHL', trackingNumber: 'R1', answerBy: day(39) });
        expect(s.status).toBe('return_in_transit');
      }));
  it('R2: the return window passes -> settled for the seller: refund 0, release all (RETURN_MISSED)', () =>
    void given(history(open(), cmd('AcceptProposal', {}, seller, day(8))))
      .when(fire('return_shipment', day(18)))
      .then((e) => {
        expect(ofType(e, 'DisputeSettled')[0]!.data).toMatchObject({ refund: usd(0), releaseRemainder: true, settledBy: 'RETURN_MISSED' });
      }));
  it('R3: the seller confirms receipt -> refund (RETURN_RECEIVED)', () =>
    void given(returning())
      .when(cmd('ConfirmReturnReceipt', { condition: 'RECEIVED_OK' }, seller, day(12)))
      .then((e) => {
        expect(types(e)).toEqual(['ReturnReceived', 'DisputeSettled']);
        expect(ofType(e, 'DisputeSettled')[0]!.data).toMatchObject({ refund: PAID, settledBy: 'RETURN_RECEIVED' });
      }));
  it('R3: 30 days of seller silence after the return shipped -> automatic refund (RETURN_UNANSWERED)', () =>
    void given(returning())
      .when(fire('return_answer', day(39)))
      .then((e) => void expect(ofType(e, 'DisputeSettled')[0]!.data.settledBy).toBe('RETURN_UNANSWERED')));
  it.each(['NOT_RECEIVED', 'DAMAGED', 'DIFFERENT_ITEM'] as const)(
    'R4: the seller reports %s -> arbitration',
    (condition) =>
      void given(returning())
        .when(cmd('ConfirmReturnReceipt', { condition }, seller, day(12)))
        .then((e, s) => {
          expect(types(e)).toEqual(['ReturnReceived', 'DisputeEscalated']);
          expect(s.status).toBe('in_arbitration');
        }),
  );
  it('R4, D8: after a reported problem a new return cannot be ordered -> RETURN_ALREADY_SHIPPED', () => {
    const problem = returning();
    const after = [
      ...problem,
      ...disputeDecider.decide(
        cmd('ConfirmReturnReceipt', { condition: 'DAMAGED' }, seller, day(12)),
        problem.reduce(disputeDecider.evolve, disputeDecider.initialState),
      ),
    ];
    given(after)
      .when(ruleReturn(5000, day(17)))
      .thenRefuses('RETURN_ALREADY_SHIPPED');
  });
  it('R6: an A3 buyer is refunded when entering the tracking number (FastRefundGranted)', () =>
    void given(history(opened('A3'), cmd('AcceptProposal', {}, seller, day(8))))
      .when(shipReturn(day(9)))
      .then((e) => {
        expect(types(e)).toEqual(['ReturnShipped', 'FastRefundGranted']);
        expect(ofType(e, 'FastRefundGranted')[0]!.data.amount).toEqual(PAID);
      }));
  it('R6: the later settlement does not refund twice: it reports fastRefunded', () =>
    void given(returning('A3'))
      .when(cmd('ConfirmReturnReceipt', { condition: 'RECEIVED_OK' }, seller, day(12)))
      .then((e) => {
        expect(ofType(e, 'DisputeSettled')[0]!.data).toMatchObject({ refund: PAID, fastRefunded: PAID });
      }));
  it('R6, R1: after a ruling with return-shipping compensation the fast refund advances the order part only; the settlement adds the compensation', () => {
    const ruled = history(opened('A3'), cmd('Escalate', {}, buyer, day(10)), ruleReturn(4000, day(15), 500));
    given(ruled)
      .when(shipReturn(day(16)))
      .then((e) => void expect(ofType(e, 'FastRefundGranted')[0]!.data.amount).toEqual(usd(4000)));
    given(history(opened('A3'), cmd('Escalate', {}, buyer, day(10)), ruleReturn(4000, day(15), 500), shipReturn(day(16))))
      .when(cmd('ConfirmReturnReceipt', { condition: 'RECEIVED_OK' }, seller, day(17)))
      .then(
        (e) =>
          void expect(ofType(e, 'DisputeSettled')[0]!.data).toMatchObject({ refund: usd(4500), returnShippingCompensation: usd(500), fastRefunded: usd(4000) }),
      );
  });
  it('R6, D9 (simulation seed 18368): after a fast refund the agent cannot pick a resend; a refund amount settles the advance', () => {
    const resendOnTable = cmd('CounterPropose', { solution: { type: 'RESEND' }, message: 'new one', evidence: [] }, seller, day(8));
    const returned = history(
      opened('A3'),
      resendOnTable,
      cmd('EditProposal', { solution: { type: 'RETURN_AND_REFUND', refund: PAID }, evidence: [] }, buyer, day(9)),
      cmd('AcceptProposal', {}, seller, day(9)),
      shipReturn(day(10)),
      cmd('ConfirmReturnReceipt', { condition: 'DAMAGED' }, seller, day(11)),
    );
    expect(types(returned)).toContain('FastRefundGranted');
    const resendId = ofType(returned, 'DisputeCounterProposed')[0]!.data.proposal.proposalId;
    given(returned)
      .when(cmd('Rule', { proposalId: resendId, note: 'resend' }, agent, day(17)))
      .thenRefuses('OUTCOME_AFTER_FAST_REFUND');
    given(returned)
      .when(ruleRefund(3000, day(17)))
      .then((e) => void expect(ofType(e, 'DisputeSettled')[0]!.data).toMatchObject({ refund: usd(3000), fastRefunded: PAID }));
  });
  it('R6, O12 (issue 17): the level at opening counts, as for D8 expedited arbitration', () =>
    void given(history(open({ order: facts({ buyerLevel: 'A4' }) }), cmd('AcceptProposal', {}, seller, day(8))))
      .when(shipReturn(day(9)))
      .then((e) => void expect(types(e)).toContain('FastRefundGranted')));
  it('R6, D7 (issue 17, found by the simulation): a dispute whose fast refund was paid cannot be withdrawn; it ends with an outcome', () => {
    const problem = history(
      opened('A3'),
      cmd('AcceptProposal', {}, seller, day(8)),
      shipReturn(day(9)),
      cmd('ConfirmReturnReceipt', { condition: 'DAMAGED' }, seller, day(12)),
    );
    given(problem)
      .when(cmd('Withdraw', {}, buyer, day(13)))
      .thenRefuses('WITHDRAW_AFTER_FAST_REFUND');
    given(history(open(), cmd('Escalate', {}, buyer, day(10))))
      .when(cmd('Withdraw', {}, buyer, day(11)))
      .then((e) => void expect(types(e)).toEqual(['DisputeWithdrawn']));
  });
  it('R1: only the buyer ships the return; not after the window closed', () => {
    given(history(open(), cmd('AcceptProposal', {}, seller, day(8))))
      .when({ ...shipReturn(), meta: { now: day(9), actor: seller } })
      .thenRefuses('ROLE_NOT_ALLOWED');
    given(returning())
      .when(shipReturn(day(10)))
      .thenRefuses('ACTION_NOT_ALLOWED');
  });
});

describe('resend (D9)', () => {
  const agreed = () =>
    history(
      open(),
      cmd('CounterPropose', { solution: { type: 'RESEND' }, message: 'new one', evidence: [] }, seller, day(8)),
      cmd('AcceptProposal', {}, buyer, day(9)),
    );
  it('D9: the seller ships the replacement -> resolved, protection extended by the protection days', () =>
    void given(agreed())
      .when(cmd('ShipResend', { carrier: 'UPS', trackingNumber: 'N1' }, seller, day(10)))
      .then((e, s) => {
        expect(e).toEqual([
          { type: 'ResendShipped', data: { disputeId: 'd-1', orderId: 'order-1', carrier: 'UPS', trackingNumber: 'N1', shippedAt: day(10), extendBy: 60 } },
        ]);
        expect(s.status).toBe('resolved');
      }));
  it('D9: a resend not shipped in time escalates', () =>
    void given(agreed())
      .when(fire('resend_shipment', day(14)))
      .then((e) => void expect(types(e)).toEqual(['DisputeEscalated'])));
});
