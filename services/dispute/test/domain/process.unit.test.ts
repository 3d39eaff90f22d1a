import { readFileSync } from 'node:fs';
import { makePolicy, snapshotOf } from '@bp/timers';
import { reachability } from '@bp/lifecycle';
import { FINAL_STATUSES, STATUSES, TRANSITIONS, deadlines, allowedActions, arbitrationQueue, disputeView, type QueueItem } from '../../src/domain/dispute';
import { README_PATH, renderReadme } from '../../scripts/diagram';
import { agent, buyer, cmd, day, escalatedAt, facts, history, open, opened, seller, stateOf } from './fixtures';

describe('transition table (process.ts)', () => {
  it('every status is reachable from none; only the final statuses are dead ends, and they have no way out', () =>
    expect(
      reachability(
        TRANSITIONS,
        STATUSES.filter((s) => s !== 'none'),
        FINAL_STATUSES,
        'none',
      ),
    ).toEqual({ unreachable: [], deadEnds: [], finalsWithExit: [] }));
  it('the README diagram matches the table (run scripts/diagram.ts when this fails)', () => {
    const readme = readFileSync(README_PATH, 'utf8');
    expect(renderReadme(readme)).toBe(readme);
  });
});

describe('deadlines(state) (API view shape, policy snapshot)', () => {
  it('D4: seller_response 5 days after opening', () =>
    expect(deadlines(stateOf(opened()))).toEqual([{ kind: 'seller_response', dueAt: day(12), actor: 'seller', onExpiry: 'buyer_proposal_accepted' }]));
  it('durations come from the order policy snapshot, never literals', () => {
    const policy = snapshotOf(makePolicy({ dispute: { sellerResponseWindow: 'P2D' } }));
    expect(deadlines(stateOf(history(open({ order: facts({ policy }) }))))[0]!.dueAt).toBe(day(9));
  });
  it('D8: arbitration has the evidence window and the ruling SLA; escalation age is a guard, not a timer', () =>
    expect(deadlines(stateOf(escalatedAt())).map((d) => [d.kind, d.dueAt])).toEqual([
      ['evidence_window', day(15)],
      ['ruling_sla', day(25)],
    ]));
  it('D8: the SLA is capped by rulingSlaMax', () => {
    const policy = snapshotOf(makePolicy({ dispute: { rulingSla: 'P90D', rulingSlaMax: 'P60D' } }));
    const events = history(open({ order: facts({ policy }) }), cmd('Escalate', {}, buyer, day(10)));
    expect(deadlines(stateOf(events)).find((d) => d.kind === 'ruling_sla')!.dueAt).toBe(day(70));
  });
  it('resolved and withdrawn disputes have no timers', () => {
    expect(deadlines(stateOf(history(open(), cmd('Withdraw', {}, buyer, day(8)))))).toEqual([]);
  });
});

describe('views', () => {
  it('allowedActions per caller (D4, D6, D7)', () => {
    const s = stateOf(opened());
    expect(allowedActions(s, seller, day(8)).sort()).toEqual(['accept', 'add_evidence', 'counter_propose', 'post_message']);
    expect(allowedActions(s, buyer, day(8)).sort()).toEqual(['add_evidence', 'cancel', 'post_message']);
    expect(allowedActions(s, buyer, day(10))).toContain('escalate');
    expect(allowedActions(s, { role: 'buyer', id: 'x' }, day(10))).toEqual([]);
  });
  it('the view carries thread, proposals, deadlines and, after a ruling, the appeal window (R7)', () => {
    const events = history(
      open(),
      cmd('Escalate', {}, buyer, day(10)),
      cmd('Rule', { refund: { amount: 100, currency: 'USD' }, returnRequired: false, note: 'x' }, agent, day(15)),
    );
    const view = disputeView(stateOf(events), buyer, day(16))!;
    expect(view.status).toBe('resolved');
    expect(view.thread.map((e) => e.kind)).toEqual(['OPENING', 'RULING']);
    expect(view.deadlines).toEqual([{ kind: 'appeal_window', dueAt: day(30), actor: 'buyer', onExpiry: 'appeal_closed' }]);
    expect(view.allowedActions).toContain('file_appeal');
  });
});

describe('arbitration queue (S1)', () => {
  const item = (disputeId: string, expedited: boolean, rulingDueAt: string, over: Partial<QueueItem> = {}): QueueItem => ({
    disputeId,
    orderId: `o-${disputeId}`,
    status: 'awaiting_ruling',
    expedited,
    escalatedAt: day(0),
    rulingDueAt,
    slaBreached: false,
    ...over,
  });
  it('S1: A4 first, then the nearest SLA', () => {
    const q = arbitrationQueue([item('a', false, day(3)), item('b', true, day(9)), item('c', false, day(1)), item('d', true, day(5))]);
    expect(q.map((i) => i.disputeId)).toEqual(['d', 'b', 'c', 'a']);
  });
  it('S1: filters by expedited, status and breach', () => {
    const items = [item('a', false, day(3), { slaBreached: true }), item('b', true, day(9), { status: 'in_arbitration' })];
    expect(arbitrationQueue(items, { expedited: false }).map((i) => i.disputeId)).toEqual(['a']);
    expect(arbitrationQueue(items, { status: 'in_arbitration' }).map((i) => i.disputeId)).toEqual(['b']);
    expect(arbitrationQueue(items, { slaBreached: true }).map((i) => i.disputeId)).toEqual(['a']);
  });
});
