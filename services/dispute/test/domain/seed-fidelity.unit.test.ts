import { spec } from '@bp/testing';
import { makePolicy, snapshotOf, type PolicyInput } from '@bp/timers';
import {
  appealQueueItemOf,
  compareAppealItems,
  deadlines,
  disputeDecider,
  orderFactsCommandsFor,
  type DisputeEvent,
  type OpenDisputeState,
} from '../../src/domain/dispute';
import { orderFactsDecider, type OrderFactsEvent } from '../../src/domain/order-facts';
import { agent, buyer, cmd, day, facts, fire, history, image, ofType, open, PAID, seller, stateOf, types, usd } from './fixtures';

// The rules of the second reading of the seeds (DOMAIN.md D5, D10-D13, O8, S1), given/when/then.
const given = (events: DisputeEvent[]) => spec(disputeDecider).given(events);
const withPolicy = (dispute: NonNullable<PolicyInput['dispute']>) => facts({ policy: snapshotOf(makePolicy({ dispute })) });

const counter = (now: string, refund = 2000) =>
  cmd('CounterPropose', { solution: { type: 'REFUND_ONLY', refund: usd(refund) }, message: 'less?', evidence: [] }, seller, now);
const edit = (now: string, refund = 9000) => cmd('EditProposal', { solution: { type: 'RETURN_AND_REFUND', refund: usd(refund) }, evidence: [] }, buyer, now);
const kinds = (events: DisputeEvent[]) => deadlines(stateOf(events)).map((d) => [d.kind, d.dueAt]);

describe("D5: 15 days to agree in total, from the seller's first counter-proposal", () => {
  // D11 off for these (a high limit), so the haggling can go on long enough to show D5.
  const patient = () => open({ order: withPolicy({ maxRejectedProposals: 10 }) });

  it('D5: an edit gives the seller a fresh 5-day window, but the 15 days keep counting from the first counter', () =>
    void given(history(patient(), counter(day(8))))
      .when(edit(day(10)))
      .then((events, state) => {
        expect(ofType(events, 'DisputeProposalEdited')[0]!.data.respondBy).toBe(day(15));
        expect(state.status).toBe('awaiting_seller');
        expect(deadlines(state).map((d) => [d.kind, d.dueAt])).toEqual([
          ['seller_response', day(15)],
          ['agreement_window', day(23)],
        ]);
      }));
  it('D5: a later counter-proposal does not restart the 15 days (respondBy = first counter + 15 days)', () =>
    void given(history(patient(), counter(day(8)), edit(day(10))))
      .when(counter(day(12), 4000))
      .then((events, state) => {
        expect(ofType(events, 'DisputeCounterProposed')[0]!.data.respondBy).toBe(day(23));
        expect(deadlines(state)).toEqual([{ kind: 'buyer_response', dueAt: day(23), actor: 'buyer', onExpiry: 'escalated' }]);
      }));
  it('D5: an edit near the end: the seller window is cut at the end of the 15 days, which wins', () => {
    const events = history(patient(), counter(day(8)), edit(day(21)));
    expect(ofType(events, 'DisputeProposalEdited')[0]!.data.respondBy).toBe(day(23));
    expect(kinds(events)).toEqual([['agreement_window', day(23)]]);
  });
  it('D5: when the 15 days run out while the seller considers an edit, the dispute is escalated (AGREEMENT_WINDOW)', () =>
    void given(history(patient(), counter(day(8)), edit(day(21))))
      .when(fire('agreement_window', day(23)))
      .then((events, state) => {
        expect(ofType(events, 'DisputeEscalated')[0]!.data).toMatchObject({ escalatedBy: 'system', cause: 'AGREEMENT_WINDOW' });
        expect(state.status).toBe('in_arbitration');
      }));
  it('D5: buyer silence after the counters escalates at first counter + 15 days (BUYER_SILENCE); a stale dueAt does nothing', () => {
    const events = history(patient(), counter(day(8)), edit(day(10)), counter(day(12)));
    given(events)
      .when(fire('buyer_response', day(27)))
      .thenNothingHappens();
    given(events)
      .when(fire('buyer_response', day(23)))
      .then((e) => void expect(ofType(e, 'DisputeEscalated')[0]!.data.cause).toBe('BUYER_SILENCE'));
  });
  it('D5: before any counter-proposal there is no 15-day clock', () => expect(kinds(history(patient()))).toEqual([['seller_response', day(12)]]));
});

describe('D10: platform involvement a set time after opening (policy, default off)', () => {
  it('D10: off by default: no platform_involvement deadline', () => expect(kinds(history(open(), counter(day(8))))).toEqual([['buyer_response', day(23)]]));
  it('D10: set to 7 days [001]: it wins over the later D5 deadline and escalates (PLATFORM_INVOLVEMENT)', () => {
    const events = history(open({ order: withPolicy({ platformInvolvementAfter: 'P7D' }) }), counter(day(8)));
    expect(kinds(events)).toEqual([['platform_involvement', day(14)]]);
    given(events)
      .when(fire('platform_involvement', day(14)))
      .then((e, s) => {
        expect(ofType(e, 'DisputeEscalated')[0]!.data).toMatchObject({ escalatedBy: 'system', cause: 'PLATFORM_INVOLVEMENT' });
        expect(s.status).toBe('in_arbitration');
      });
  });
  it('D10: an earlier D4 window still runs; at the same instant D10 wins', () => {
    expect(kinds(history(open({ order: withPolicy({ platformInvolvementAfter: 'P7D' }) })))).toEqual([
      ['seller_response', day(12)],
      ['platform_involvement', day(14)],
    ]);
    expect(kinds(history(open({ order: withPolicy({ platformInvolvementAfter: 'P5D' }) })))).toEqual([['platform_involvement', day(12)]]);
  });
  it('D10: an escalated dispute has no platform_involvement timer', () => {
    const events = history(open({ order: withPolicy({ platformInvolvementAfter: 'P7D' }) }), cmd('Escalate', {}, buyer, day(10)));
    expect(kinds(events).map(([k]) => k)).toEqual(['evidence_window', 'ruling_sla']);
  });
});

describe('D11: bounded haggling', () => {
  it('D11: the 3rd rejected proposal (counter, edit, counter) sends the dispute to arbitration with every proposal on the table', () =>
    void given(history(open(), counter(day(8)), edit(day(9))))
      .when(counter(day(10), 3000))
      .then((events, state) => {
        expect(types(events)).toEqual(['DisputeCounterProposed', 'ThreadEntryAdded', 'DisputeEscalated']);
        expect(ofType(events, 'DisputeEscalated')[0]!.data).toMatchObject({ escalatedBy: 'system', cause: 'HAGGLING_LIMIT' });
        expect(state.status).toBe('in_arbitration');
        expect((state as OpenDisputeState).proposals.map((p) => p.proposalId)).toEqual(['d-1-p1', 'd-1-p2', 'd-1-p3', 'd-1-p4']);
      }));
  it('D11, D8: the agent then picks one of the proposals on the table', () => {
    const events = history(open(), counter(day(8)), edit(day(9)), counter(day(10), 3000), fire('evidence_window', day(15)));
    given(events)
      .when(cmd('Rule', { proposalId: 'd-1-p4', note: 'the last offer is fair' }, agent, day(16)))
      .then((e) => {
        expect(ofType(e, 'DisputeSettled')[0]!.data).toMatchObject({ refund: usd(3000), settledBy: 'RULING' });
      });
  });
  it('D11: two rejections do not escalate yet; the limit is a policy value', () => {
    given(history(open(), counter(day(8))))
      .when(edit(day(9)))
      .then((e) => void expect(types(e)).not.toContain('DisputeEscalated'));
    given(history(open({ order: withPolicy({ maxRejectedProposals: 1 }) })))
      .when(counter(day(8)))
      .then((e) => void expect(ofType(e, 'DisputeEscalated')[0]!.data.cause).toBe('HAGGLING_LIMIT'));
  });
});

describe('D12: bounded withdraw-and-reopen', () => {
  it('D12: a third dispute on one order is refused (withdrawn ones count)', () =>
    given([])
      .when(open({ order: facts({ disputeCount: 2 }) }))
      .thenRefuses('DISPUTE_LIMIT_REACHED'));
  it('D12: the limit comes from the policy snapshot', () =>
    void given([])
      .when(open({ order: { ...withPolicy({ maxDisputesPerOrder: 3 }), disputeCount: 2 } }))
      .then((e) => void expect(e[1]!.type).toBe('DisputeOpened')));
  it('D12: the order-facts reservation counts disputes and refuses past the limit', () => {
    const policy = snapshotOf(makePolicy());
    const placed: OrderFactsEvent = {
      type: 'OrderPlacedRecorded',
      data: { orderId: 'o1', buyerId: 'b1', sellerId: 's1', total: usd(100), protectionDays: 60, policy, placedAt: day(-2) },
    };
    const cycle = (id: string): OrderFactsEvent[] => [
      { type: 'DisputeReservedOnOrder', data: { orderId: 'o1', disputeId: id, at: day(7) } },
      { type: 'DisputeReleasedOnOrder', data: { orderId: 'o1', disputeId: id, at: day(8) } },
    ];
    const reserve = { type: 'ReserveDispute' as const, data: { orderId: 'o1', disputeId: 'd3' }, meta: { now: day(9) } };
    expect(spec(orderFactsDecider).given([placed, ...cycle('d1')]).state).toMatchObject({ disputeCount: 1 });
    spec(orderFactsDecider)
      .given([placed, ...cycle('d1')])
      .when(reserve)
      .then((e) => void expect(e[0]!.type).toBe('DisputeReservedOnOrder'));
    spec(orderFactsDecider)
      .given([placed, ...cycle('d1'), ...cycle('d2')])
      .when(reserve)
      .thenRefuses('DISPUTE_LIMIT_REACHED');
  });
});

describe('D13: reason vs goods received', () => {
  it.each(['NOT_AS_DESCRIBED', 'DAMAGED_OR_DEFECTIVE', 'WRONG_ITEM', 'COUNTERFEIT', 'MISSING_PARTS', 'EMPTY_PACKAGE'] as const)(
    'D13: %s with goods received = no -> REASON_CONTRADICTS_GOODS_RECEIVED',
    (reason) =>
      given([])
        .when(open({ reason, goodsReceived: false, solution: { type: 'REFUND_ONLY', refund: PAID } }))
        .thenRefuses('REASON_CONTRADICTS_GOODS_RECEIVED'),
  );
  it('D13: NOT_RECEIVED with goods received = yes -> REASON_CONTRADICTS_GOODS_RECEIVED', () =>
    given([])
      .when(open({ reason: 'NOT_RECEIVED', goodsReceived: true }))
      .thenRefuses('REASON_CONTRADICTS_GOODS_RECEIVED'));
  it('D13: OTHER fits either answer', () => {
    given([])
      .when(open({ reason: 'OTHER', goodsReceived: true }))
      .then((e) => void expect(e[1]!.type).toBe('DisputeOpened'));
    given([])
      .when(open({ reason: 'OTHER', goodsReceived: false, solution: { type: 'REFUND_ONLY', refund: PAID } }))
      .then((e) => void expect(e[1]!.type).toBe('DisputeOpened'));
  });
});

describe('O8: a dispute demanding the extension the seller declined (EXTEND_PROTECTION)', () => {
  const extend = (days = 14, refused = true) =>
    open({
      reason: 'NOT_RECEIVED',
      goodsReceived: false,
      solution: { type: 'EXTEND_PROTECTION', days },
      evidence: [],
      order: facts({ extensionRefused: refused }),
    });

  it('O8: only after a declined or unanswered request -> EXTENSION_NOT_DECLINED', () =>
    given([]).when(extend(14, false)).thenRefuses('EXTENSION_NOT_DECLINED'));
  it('O8: days within the extension range of the snapshot -> EXTENSION_DAYS_OUT_OF_RANGE', () =>
    given([]).when(extend(31)).thenRefuses('EXTENSION_DAYS_OUT_OF_RANGE'));
  it('O8: the proposal asks for days and no money', () =>
    void given([])
      .when(extend())
      .then((e) => {
        expect(ofType(e, 'DisputeOpened')[0]!.data.proposal).toEqual({
          proposalId: 'd-1-p1',
          by: 'buyer',
          type: 'EXTEND_PROTECTION',
          refund: usd(0),
          days: 14,
        });
      }));
  it('O8: the seller agrees -> DisputeProtectionExtensionAgreed; resolved, no settlement (money stays held)', () =>
    void given(history(extend()))
      .when(cmd('AcceptProposal', {}, seller, day(8)))
      .then((events, state) => {
        expect(types(events)).toEqual(['DisputeProposalAccepted', 'DisputeProtectionExtensionAgreed']);
        expect(ofType(events, 'DisputeProtectionExtensionAgreed')[0]!.data).toEqual({
          disputeId: 'd-1',
          orderId: 'order-1',
          days: 14,
          agreedBy: 'AGREEMENT',
          agreedAt: day(8),
        });
        expect(state).toMatchObject({ status: 'resolved', settlement: null, protectionExtension: { days: 14, agreedAt: day(8) } });
      }));
  it('O8, D4: seller silence agrees to the extension too', () =>
    void given(history(extend()))
      .when(fire('seller_response', day(12)))
      .then((e) => void expect(ofType(e, 'DisputeProtectionExtensionAgreed')[0]!.data.agreedBy).toBe('SELLER_SILENCE')));
  it('O8, D8: the agent may rule the extension on the table', () => {
    const events = history(extend(), cmd('Escalate', {}, buyer, day(10)));
    // D8: the agent rules once the evidence window is over.
    given(events)
      .when(cmd('Rule', { proposalId: 'd-1-p1', note: 'give it two more weeks' }, agent, day(15)))
      .then((e, s) => {
        expect(ofType(e, 'DisputeProtectionExtensionAgreed')[0]!.data).toMatchObject({ days: 14, agreedBy: 'RULING' });
        expect(s.status).toBe('resolved');
      });
  });
  it('O8: the buyer may edit to EXTEND_PROTECTION after a counter only on such an order', () => {
    const toExtension = cmd('EditProposal', { solution: { type: 'EXTEND_PROTECTION', days: 10 }, evidence: [] }, buyer, day(9));
    given(history(open(), counter(day(8))))
      .when(toExtension)
      .thenRefuses('EXTENSION_NOT_DECLINED');
    const refusedOrder = open({ order: facts({ extensionRefused: true }), evidence: [image()] });
    given(history(refusedOrder, counter(day(8))))
      .when(toExtension)
      .then((e) => void expect(ofType(e, 'DisputeProposalEdited')[0]!.data.proposal).toMatchObject({ type: 'EXTEND_PROTECTION', days: 10 }));
  });
  it('O8: the agreement releases the order slot without settling it (a later dispute may follow, D12)', () => {
    const [agreed] = ofType(history(extend(), cmd('AcceptProposal', {}, seller, day(8))), 'DisputeProtectionExtensionAgreed');
    expect(orderFactsCommandsFor(agreed!, day(8))).toEqual([{ type: 'ReleaseDispute', data: { orderId: 'order-1', disputeId: 'd-1' }, meta: { now: day(8) } }]);
  });
});

describe('S1: the appeal queue and its own decision SLA', () => {
  const ruled = (level: 'A1' | 'A4' = 'A1') =>
    history(
      open({ order: facts({ buyerLevel: level }) }),
      cmd('Escalate', {}, buyer, day(10)),
      cmd('Rule', { refund: usd(100), returnRequired: false, note: 'x' }, agent, day(16)),
    );
  const appeal = cmd('FileAppeal', { reason: 'RESOLUTION_NOT_ACCEPTED', subReasons: [], statement: 'look again', evidence: [] }, buyer, day(17));

  it('S1: an appeal carries its decision SLA (10 days by default) and its priority', () =>
    void given(ruled())
      .when(appeal)
      .then((e, s) => {
        expect(ofType(e, 'AppealFiled')[0]!.data).toMatchObject({ decideBy: day(27), expedited: false });
        expect(deadlines(s)).toEqual([{ kind: 'appeal_sla', dueAt: day(27), actor: 'agent', onExpiry: 'ops_alerted' }]);
      }));
  it('S1: a missed appeal SLA alerts once and decides nothing', () => {
    const filed = ruled().concat(disputeDecider.decide(appeal, stateOf(ruled())));
    given(filed)
      .when(fire('appeal_sla', day(27)))
      .then((e, s) => {
        expect(types(e)).toEqual(['AppealSlaBreached']);
        expect(ofType(e, 'AppealSlaBreached')[0]!.data).toMatchObject({ decideBy: day(27), expedited: false, breachedAt: day(27) });
        expect(s.status).toBe('appealed');
        expect(deadlines(s)).toEqual([]);
      });
  });
  it('S1: the appeal queue puts A4 first, then the nearest decision SLA', () => {
    const item = (events: DisputeEvent[], id: string) => ({ ...appealQueueItemOf(stateOf(events))!, disputeId: id });
    const a1 = ruled('A1').concat(disputeDecider.decide(appeal, stateOf(ruled('A1'))));
    const a4Later = ruled('A4').concat(disputeDecider.decide({ ...appeal, meta: { ...appeal.meta, now: day(20) } }, stateOf(ruled('A4'))));
    const items = [item(a1, 'x-a1'), item(a4Later, 'x-a4')].sort(compareAppealItems);
    expect(items.map((i) => [i.disputeId, i.expedited, i.decideBy])).toEqual([
      ['x-a4', true, day(30)],
      ['x-a1', false, day(27)],
    ]);
    expect(appealQueueItemOf(stateOf(ruled()))).toBeNull();
  });
});
