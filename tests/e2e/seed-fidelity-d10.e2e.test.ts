import { makePolicy } from '@bp/timers';
import { act, getDispute, openDispute, parties, partnerSaw, shippedOrder, usd } from './support/story';
import { useSystem } from './support/system';

// D10 [001]: with the policy switched on (7 days, seed 001), a dispute not settled within 7 days of
// opening is escalated by the system, even while the buyer still has D5 time to answer.
describe('D10: platform involvement after a set time from opening (policy on)', () => {
  const sys = useSystem({ policy: makePolicy({ dispute: { platformInvolvementAfter: 'P7D' } }) });

  it('D10: 7 days after opening, still haggling, the dispute goes to arbitration (PLATFORM_INVOLVEMENT)', async () => {
    const p = parties(sys);
    const orderId = await shippedOrder(sys, p);
    await sys.advance('P6D');
    const { disputeId } = await openDispute(sys, p, orderId);
    const countered = await act(sys, p.seller, disputeId, 'counter-proposals', {
      solution: { type: 'REFUND_ONLY', refund: usd(1000) },
      message: 'Ten?',
      evidenceIds: [],
    });
    // D10 wins over the later D5 deadline: the only timer left is the platform's.
    expect(countered.deadlines.map((d: { kind: string }) => d.kind)).toEqual(['platform_involvement']);
    await sys.advance('P6D');
    expect((await getDispute(p.buyer, disputeId)).status).toBe('awaiting_buyer');
    await sys.advance('P1D');
    expect(await getDispute(p.agent, disputeId)).toMatchObject({ status: 'in_arbitration', escalation: { cause: 'PLATFORM_INVOLVEMENT' } });
    expect((await partnerSaw(sys, orderId, 'marketplace.dispute.escalated.v1')).data).toMatchObject({ escalatedBy: 'system', cause: 'PLATFORM_INVOLVEMENT' });
  });
});
