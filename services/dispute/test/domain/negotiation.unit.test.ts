import { spec } from '@bp/testing';
import { disputeDecider, type DisputeEvent } from '../../src/domain/dispute';
import {
  agent,
  buyer,
  cmd,
  countered,
  day,
  fire,
  history,
  image,
  open,
  opened,
  ofType,
  PAID,
  refundOnlyPartial,
  seller,
  stranger,
  types,
  usd,
} from './fixtures';

const given = (events: DisputeEvent[]) => spec(disputeDecider).given(events);

describe('seller answers (D4)', () => {
  it('D4, R1: the seller accepts a return-and-refund proposal -> ReturnRequested with the 10-day window', () =>
    void given(opened())
      .when(cmd('AcceptProposal', {}, seller, day(8)))
      .then((events, state) => {
        expect(types(events)).toEqual(['DisputeProposalAccepted', 'ReturnRequested']);
        expect(ofType(events, 'ReturnRequested')[0]!.data).toMatchObject({ refund: PAID, requestedBy: 'AGREEMENT', shipBy: day(18) });
        expect(state.status).toBe('awaiting_return_shipment');
      }));
  it('D4, R5: accepting a refund-only proposal settles at once, the rest released', () =>
    void given(history(refundOnlyPartial()))
      .when(cmd('AcceptProposal', {}, seller, day(8)))
      .then((events, state) => {
        expect(ofType(events, 'DisputeSettled')[0]!.data).toMatchObject({
          refund: usd(3000),
          releaseRemainder: true,
          settledBy: 'AGREEMENT',
          fastRefunded: usd(0),
        });
        expect(state.status).toBe('resolved');
      }));
  it('D4: seller silence for 5 days accepts the buyer proposal (SELLER_SILENCE)', () =>
    void given(history(refundOnlyPartial()))
      .when(fire('seller_response', day(12)))
      .then((events) => {
        expect(ofType(events, 'DisputeProposalAccepted')[0]!.data.acceptedBy).toBe('system');
        expect(ofType(events, 'DisputeSettled')[0]!.data.settledBy).toBe('SELLER_SILENCE');
      }));
  it('D4: seller silence on a return proposal requests the return', () =>
    void given(opened())
      .when(fire('seller_response', day(12)))
      .then((events) => void expect(ofType(events, 'ReturnRequested')[0]!.data.requestedBy).toBe('SELLER_SILENCE')));
  it('FireDeadline: stale (wrong dueAt), early, or after the seller answered -> nothing', () => {
    given(opened())
      .when(fire('seller_response', day(13)))
      .thenNothingHappens();
    given(opened())
      .when(fire('seller_response', day(12), day(11)))
      .thenNothingHappens();
    given(countered())
      .when(fire('seller_response', day(12)))
      .thenNothingHappens();
  });
  it('D4: the seller counter-proposes; the buyer has 15 days', () =>
    void given(opened())
      .when(cmd('CounterPropose', { solution: { type: 'REFUND_ONLY', refund: usd(2000) }, message: 'half?', evidence: [] }, seller, day(8)))
      .then((events, state) => {
        expect(ofType(events, 'DisputeCounterProposed')[0]!.data).toMatchObject({
          proposal: { proposalId: 'd-1-p2', by: 'seller', type: 'REFUND_ONLY', refund: usd(2000) },
          respondBy: day(23),
        });
        expect(state.status).toBe('awaiting_buyer');
      }));
  it('D9: the seller may counter with a resend (refund 0)', () =>
    void given(opened())
      .when(cmd('CounterPropose', { solution: { type: 'RESEND' }, message: 'new one', evidence: [] }, seller, day(8)))
      .then((events) => {
        expect(ofType(events, 'DisputeCounterProposed')[0]!.data.proposal).toMatchObject({ type: 'RESEND', refund: usd(0) });
      }));
  it('D4: counter above the paid total -> REFUND_ABOVE_PAID', () =>
    given(opened())
      .when(cmd('CounterPropose', { solution: { type: 'REFUND_ONLY', refund: usd(10_001) }, message: 'x', evidence: [] }, seller, day(8)))
      .thenRefuses('REFUND_ABOVE_PAID'));
  it('the buyer cannot counter-propose -> ROLE_NOT_ALLOWED; another seller -> DISPUTE_NOT_FOUND', () => {
    given(opened())
      .when(cmd('CounterPropose', { solution: { type: 'RESEND' }, message: 'x', evidence: [] }, buyer, day(8)))
      .thenRefuses('ROLE_NOT_ALLOWED');
    given(opened())
      .when(cmd('CounterPropose', { solution: { type: 'RESEND' }, message: 'x', evidence: [] }, { role: 'seller', id: 's-9' }, day(8)))
      .thenRefuses('DISPUTE_NOT_FOUND');
  });
  it('a second counter while awaiting the buyer -> ACTION_NOT_ALLOWED', () =>
    given(countered())
      .when(cmd('CounterPropose', { solution: { type: 'RESEND' }, message: 'x', evidence: [] }, seller, day(9)))
      .thenRefuses('ACTION_NOT_ALLOWED'));
  it('commands on a dispute that does not exist -> DISPUTE_NOT_FOUND', () =>
    given([])
      .when(cmd('AcceptProposal', {}, seller, day(8)))
      .thenRefuses('DISPUTE_NOT_FOUND'));
});

describe('buyer answers a counter-proposal (D5)', () => {
  it('D5, R5: the buyer accepts the seller refund -> settled by agreement', () =>
    void given(countered())
      .when(cmd('AcceptProposal', {}, buyer, day(9)))
      .then((events) => void expect(ofType(events, 'DisputeSettled')[0]!.data.refund).toEqual(usd(2000))));
  it('D5, D9: the buyer accepts a resend -> DisputeResendAgreed (extendBy = protection days)', () =>
    void given(countered({ type: 'RESEND' }))
      .when(cmd('AcceptProposal', {}, buyer, day(9)))
      .then((events, state) => {
        expect(ofType(events, 'DisputeResendAgreed')[0]!.data).toMatchObject({ extendBy: 60, shipBy: day(14) });
        expect(state.status).toBe('awaiting_resend');
      }));
  it('D5: the buyer edits the proposal; the seller gets a fresh 5-day window', () =>
    void given(countered())
      .when(cmd('EditProposal', { solution: { type: 'RETURN_AND_REFUND', refund: usd(9000) }, evidence: [] }, buyer, day(9)))
      .then((events, state) => {
        expect(ofType(events, 'DisputeProposalEdited')[0]!.data).toMatchObject({ respondBy: day(14), proposal: { proposalId: 'd-1-p3' } });
        expect(state.status).toBe('awaiting_seller');
      }));
  it('D2 on edits: a partial refund needs an image (one given earlier in the thread counts)', () => {
    const noImage = history(open({ evidence: [] }), cmd('CounterPropose', { solution: { type: 'RESEND' }, message: 'x', evidence: [] }, seller, day(8)));
    given(noImage)
      .when(cmd('EditProposal', { solution: { type: 'REFUND_ONLY', refund: usd(1000) }, evidence: [] }, buyer, day(9)))
      .thenRefuses('EVIDENCE_IMAGE_REQUIRED');
    given(countered())
      .when(cmd('EditProposal', { solution: { type: 'REFUND_ONLY', refund: usd(1000) }, evidence: [] }, buyer, day(9)))
      .then((e) => void expect(e).toHaveLength(1));
  });
  it('D5: buyer silence for 15 days escalates', () =>
    void given(countered())
      .when(fire('buyer_response', day(23)))
      .then((events, state) => {
        expect(ofType(events, 'DisputeEscalated')[0]!.data).toMatchObject({
          escalatedBy: 'system',
          evidenceDueAt: day(28),
          rulingDueAt: day(38),
          expedited: false,
        });
        expect(state.status).toBe('in_arbitration');
      }));
  it('the seller cannot accept its own counter-proposal -> ACTION_NOT_ALLOWED', () =>
    given(countered())
      .when(cmd('AcceptProposal', {}, seller, day(9)))
      .thenRefuses('ACTION_NOT_ALLOWED'));
});

describe('escalation (D6) and withdrawal (D7)', () => {
  it('D6: escalation before the dispute is 3 days old -> ESCALATION_TOO_EARLY; at 3 days it escalates', () => {
    given(opened())
      .when(cmd('Escalate', {}, buyer, day(9, 23)))
      .thenRefuses('ESCALATION_TOO_EARLY');
    given(opened())
      .when(cmd('Escalate', {}, seller, day(10)))
      .then((events) => void expect(ofType(events, 'DisputeEscalated')[0]!.data.escalatedBy).toBe('seller'));
  });
  it('D6: an agent cannot escalate -> ROLE_NOT_ALLOWED', () =>
    given(opened())
      .when(cmd('Escalate', {}, agent, day(10)))
      .thenRefuses('ROLE_NOT_ALLOWED'));
  it('D7: the buyer withdraws; a repeat is harmless; the seller cannot', () => {
    given(opened())
      .when(cmd('Withdraw', {}, buyer, day(8)))
      .then([{ type: 'DisputeWithdrawn', data: { disputeId: 'd-1', orderId: 'order-1', withdrawnAt: day(8) } }]);
    given(history(open(), cmd('Withdraw', {}, buyer, day(8))))
      .when(cmd('Withdraw', {}, buyer, day(9)))
      .thenNothingHappens();
    given(opened())
      .when(cmd('Withdraw', {}, seller, day(8)))
      .thenRefuses('ROLE_NOT_ALLOWED');
  });
  it('D7: nothing happens after withdrawal (timers stale, actions refused)', () => {
    const withdrawn = history(open(), cmd('Withdraw', {}, buyer, day(8)));
    given(withdrawn)
      .when(fire('seller_response', day(12)))
      .thenNothingHappens();
    given(withdrawn)
      .when(cmd('AcceptProposal', {}, seller, day(9)))
      .thenRefuses('ACTION_NOT_ALLOWED');
  });
});

describe('thread (D3)', () => {
  it('D3: parties and the agent post messages and evidence, chained', () =>
    void given(opened())
      .when(cmd('PostMessage', { text: 'see photo', evidence: [image()] }, agent, day(8)))
      .then((events, state) => {
        const [entry] = ofType(events, 'ThreadEntryAdded');
        expect(entry!.data.entry).toMatchObject({ seq: 2, kind: 'MESSAGE', author: agent, evidence: [image()] });
        expect(state.status === 'none' ? null : state.thread[0]!.hash).toBe(entry!.data.entry.prevHash);
      }));
  it('D3: evidence alone is accepted; an empty message is refused (EMPTY_SUBMISSION)', () => {
    given(opened())
      .when(cmd('AddEvidence', { evidence: [image()] }, seller, day(8)))
      .then((e) => void expect(e).toHaveLength(1));
    given(opened())
      .when(cmd('PostMessage', { evidence: [] }, seller, day(8)))
      .thenRefuses('EMPTY_SUBMISSION');
  });
  it('D3: a stranger cannot post -> DISPUTE_NOT_FOUND', () =>
    given(opened())
      .when(cmd('PostMessage', { text: 'hi', evidence: [] }, stranger, day(8)))
      .thenRefuses('DISPUTE_NOT_FOUND'));
});
