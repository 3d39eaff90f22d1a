import { readFileSync } from 'node:fs';
import { reachability, targetOf } from '@bp/lifecycle';
import { README_PATH, renderReadme } from '../../scripts/diagram';
import { ESCROW_PROCESS, FINAL_STATUSES, type LifecycleStatus } from '../../src/domain';
import { escrowDecider, type EscrowCommand, type EscrowState } from '../../src/domain';
import { appeal, cancelled, capture, cmd, completed, fastRefund, placed, settled } from './fixtures';

const statusOf = (s: EscrowState): LifecycleStatus => s.status;

/** Applies commands, collecting every status change the decider makes: [from, to, command]. */
const observe = (commands: EscrowCommand[]): [LifecycleStatus, LifecycleStatus, string][] => {
  let state = escrowDecider.initialState;
  const seen: [LifecycleStatus, LifecycleStatus, string][] = [];
  for (const c of commands) {
    let next = state;
    try {
      next = escrowDecider.decide(c, state).reduce(escrowDecider.evolve, state);
    } catch {
      // a refusal changes nothing
    }
    seen.push([statusOf(state), statusOf(next), c.type]);
    state = next;
  }
  return seen;
};

const closedUnpaid = () => cmd('RefundOnCancellation', { eventId: 'ev-closed', orderId: 'ord-1', source: 'OrderClosed', refundDue: false });

describe('escrow lifecycle (process.ts)', () => {
  const histories: EscrowCommand[][] = [
    [placed(), capture(), completed(), capture(10_000, 'cap-late', 'pay-2')],
    [placed(), cancelled(), capture()],
    [placed(), closedUnpaid()],
    [placed(), capture(), fastRefund('d1', 2_000), settled('d1', 2_000), completed('ev-c', 'DISPUTE_SETTLED'), appeal('d1', 5_000)],
    [placed(), capture(), cancelled(), settled('d2', 1_000)],
    [
      placed(),
      cmd('RequestPayment', { orderId: 'ord-1', paymentId: 'p', methodType: 'sandbox' }),
      cmd('FailPayment', { orderId: 'ord-1', paymentId: 'p', reason: 'x' }),
      capture(),
    ],
  ];

  it.each(histories.map((h, i) => [i, h] as const))('every status change the decider makes is declared (history %i)', (_i, h) => {
    for (const [from, to, name] of observe(h)) {
      const declared = ESCROW_PROCESS.filter((t) => t.command === name && t.from.includes(from));
      expect({ name, from, to, declared: declared.some((t) => targetOf(t, from) === to) }).toEqual({ name, from, to, declared: true });
    }
  });

  it('every status is reachable from unknown and only final statuses are dead ends', () =>
    expect(reachability(ESCROW_PROCESS, ['awaiting_payment', 'paid', 'completed', 'cancelled', 'closed'], FINAL_STATUSES, 'unknown')).toEqual({
      unreachable: [],
      deadEnds: [],
      finalsWithExit: [],
    }));

  it('the README diagram is generated from the table (run scripts/diagram.ts after changing it)', () => {
    const readme = readFileSync(README_PATH, 'utf8');
    expect(renderReadme(readme)).toBe(readme);
  });
});
