import { PolicySnapshotSchema, defaultPolicy, makePolicy, snapshotOf } from '../src/policy';

describe('policy defaults come from DOMAIN.md', () => {
  it('has the rulebook values', () => {
    expect(defaultPolicy.order.protectionDaysDefault).toBe(60); // O2
    expect(defaultPolicy.order.paymentWindow).toBe('PT24H'); // O2
    expect(defaultPolicy.order.handlingDaysDefault).toBe(7); // O2
    expect(defaultPolicy.order.maxApprovedExtensions).toBe(2); // O8
    expect(defaultPolicy.dispute.openNotBefore).toBe('P6D'); // D1
    expect(defaultPolicy.dispute.sellerResponseWindow).toBe('P5D'); // D4
    expect(defaultPolicy.dispute.buyerResponseWindow).toBe('P15D'); // D5
    expect(defaultPolicy.dispute.rulingSla).toBe('P15D'); // D8
    expect(defaultPolicy.dispute.rulingSlaMax).toBe('P60D'); // D8
    expect(defaultPolicy.returns.returnShipWindow).toBe('P10D'); // R1
    expect(defaultPolicy.returns.returnAnswerWindow).toBe('P30D'); // R3
    expect(defaultPolicy.returns.appealWindow).toBe('P15D'); // R7
    expect(defaultPolicy.escrow.commissionBps).toBe(0); // E1
  });

  it('O11: confirming earns the buyer points; DOMAIN.md gives no figure, the default is 10 (0 turns it off, never negative)', () => {
    expect(defaultPolicy.buyerLevels.confirmationPoints).toBe(10);
    expect(makePolicy({ buyerLevels: { confirmationPoints: 0 } }).buyerLevels.confirmationPoints).toBe(0);
    expect(() => makePolicy({ buyerLevels: { confirmationPoints: -1 } })).toThrow();
  });

  it('O11 [002]: review within 30 days of receipt, published after a month, the seller rates back within a month', () => {
    expect(defaultPolicy.order.reviewWindow).toBe('P30D');
    expect(defaultPolicy.order.reviewPublishAfter).toBe('P30D');
    expect(defaultPolicy.order.buyerRatingWindow).toBe('P30D');
  });

  it('O2, O11: a snapshot stored before buyerRatingWindow existed parses with its default', () => {
    const stored = JSON.parse(JSON.stringify(snapshotOf(defaultPolicy)));
    delete stored.order.buyerRatingWindow;
    expect(PolicySnapshotSchema.parse(stored).order.buyerRatingWindow).toBe('P30D');
  });

  it('overrides one value and keeps the others', () => {
    const p = makePolicy({ dispute: { escalationAllowedAfter: 'P7D' } });
    expect(p.dispute.escalationAllowedAfter).toBe('P7D');
    expect(p.dispute.sellerResponseWindow).toBe('P5D');
  });

  it('refuses a calendar duration', () => {
    expect(() => makePolicy({ order: { paymentWindow: 'P1M' } })).toThrow();
  });

  it('snapshots the per-order part, detached from later changes', () => {
    const snap = JSON.parse(JSON.stringify(snapshotOf(defaultPolicy)));
    expect(snap.order.protectionDaysDefault).toBe(60);
    expect(snap).not.toHaveProperty('notifications');
  });

  it('O2: a policy change after placement never alters the snapshot an order carries', () => {
    const live = makePolicy();
    const taken = snapshotOf(live);
    const stored = JSON.stringify(taken); // as it travels on OrderPlaced
    // the operator changes the live policy, in place and by a new policy object
    live.dispute.sellerResponseWindow = 'P2D';
    live.returns.fastRefundLevels.push('A2');
    const changed = snapshotOf(makePolicy({ dispute: { sellerResponseWindow: 'P9D' }, order: { protectionDaysDefault: 30 } }));
    expect(changed.dispute.sellerResponseWindow).toBe('P9D');
    expect(taken.dispute.sellerResponseWindow).toBe('P5D');
    expect(taken.returns.fastRefundLevels).toEqual(['A3', 'A4']);
    expect(JSON.stringify(taken)).toBe(stored);
    // the stored snapshot reads back as it was written
    expect(PolicySnapshotSchema.parse(JSON.parse(stored))).toEqual(JSON.parse(stored));
  });
});
