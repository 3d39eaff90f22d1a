import { readFileSync } from 'node:fs';
import { effectsReport, reachability, targetOf, walker, type EffectWalk } from '@bp/lifecycle';
import { makePolicy } from '@bp/timers';
import { README_PATH, renderReadme } from '../../scripts/diagram';
import { DELIVERY_PROCESS, DELIVERY_STATUSES, type DeliveryLifecycle, type DeliveryTransitionName } from '../../src/domain/webhooks/delivery-process';
import { decideDelivery, evolveDelivery, initialDeliveryState, type DeliveryCommand, type DeliveryState } from '../../src/domain/webhooks/delivery';

// Every command of the decider is a command of the table (compile-time: fails tsc when one is added to one side only).
const declared: DeliveryCommand['type'] extends DeliveryLifecycle['command'] ? true : false = true;

const policy = makePolicy().notifications;
const meta = (now: string) => ({ now, actor: { role: 'system', id: 'notification' } }) as DeliveryCommand['meta'];
const schedule: DeliveryCommand = {
  type: 'ScheduleDelivery',
  data: { deliveryId: 'd1', subscriptionId: 's1', eventId: 'e1', ceType: 't', body: '{}' },
  meta: meta('2026-01-01T00:00:00.000Z'),
};
const attempt = (ok: boolean, now: string): DeliveryCommand => ({
  type: 'RecordAttempt',
  data: { deliveryId: 'd1', ok, status: ok ? 200 : 500, error: null },
  meta: meta(now),
});
const redeliver: DeliveryCommand = { type: 'Redeliver', data: { deliveryId: 'd1' }, meta: meta('2026-01-05T00:00:00.000Z') };

/** Runs the commands, collecting every [from, to, command] the decider produces. */
const observe = (commands: DeliveryCommand[]): [DeliveryState['status'], DeliveryState['status'], string][] => {
  let s: DeliveryState = initialDeliveryState;
  return commands.map((c) => {
    const next = decideDelivery(c, s, policy).reduce(evolveDelivery, s);
    const step: [DeliveryState['status'], DeliveryState['status'], string] = [s.status, next.status, c.type];
    s = next;
    return step;
  });
};

/** Events a run of commands records (the `given` of a walk). */
const recorded = (commands: DeliveryCommand[]) => {
  let s: DeliveryState = initialDeliveryState;
  return commands.flatMap((c) => {
    const events = decideDelivery(c, s, policy);
    s = events.reduce(evolveDelivery, s);
    return events;
  });
};
const walk = walker(
  { decide: (c: DeliveryCommand, s: DeliveryState) => decideDelivery(c, s, policy), evolve: evolveDelivery, initialState: initialDeliveryState },
  (s) => s.status,
);
const failedLate = attempt(false, '2026-01-03T00:00:00.000Z');
const walks: EffectWalk<DeliveryTransitionName>[] = [
  walk('schedule', [], schedule),
  // the timer records nothing on the delivery itself: the step it runs records the attempt (the RecordAttempt rows below)
  { name: 'attempt', from: 'pending', to: 'pending', emitted: [] },
  walk('attempt_succeeds', recorded([schedule]), attempt(true, '2026-01-01T00:00:01.000Z')),
  walk('attempt_fails_retry', recorded([schedule]), attempt(false, '2026-01-01T00:00:01.000Z')),
  walk('attempt_fails_give_up', recorded([schedule, attempt(false, '2026-01-01T00:00:01.000Z')]), failedLate),
  walk('redeliver', recorded([schedule, attempt(true, '2026-01-01T00:00:01.000Z')]), redeliver),
  walk('redeliver', recorded([schedule, attempt(false, '2026-01-01T00:00:01.000Z'), failedLate]), redeliver),
];

describe('webhook delivery lifecycle (delivery-process.ts, N4/N5)', () => {
  it('declares every command of the decider', () => expect(declared).toBe(true));

  it('every status is reachable from none and none is a dead end', () =>
    expect(reachability(DELIVERY_PROCESS, DELIVERY_STATUSES, [], 'none')).toEqual({ unreachable: [], deadEnds: [], finalsWithExit: [] }));

  it.each([
    ['success, redeliver', [schedule, attempt(true, '2026-01-01T00:00:01.000Z'), redeliver]],
    [
      'retry, give up past the horizon, redeliver',
      [schedule, attempt(false, '2026-01-01T00:00:01.000Z'), attempt(false, '2026-01-03T00:00:00.000Z'), redeliver],
    ],
  ] as const)('every status change the decider makes is declared (%s)', (_name, commands) => {
    for (const [from, to, command] of observe([...commands])) {
      const rows = DELIVERY_PROCESS.filter((t) => t.command === command && t.from.includes(from));
      expect({ command, from, to, declared: rows.some((t) => targetOf(t, from) === to) }).toEqual({ command, from, to, declared: true });
    }
  });

  it('given a walk through every row, then each records only its declared effects and every declared effect is recorded (#20)', () =>
    expect(effectsReport(DELIVERY_PROCESS, walks)).toEqual({ unwalked: [], misrouted: [], undeclared: [], unexercised: [] }));

  it('the README diagram is generated from the table (run scripts/diagram.ts after changing it)', () => {
    const readme = readFileSync(README_PATH, 'utf8');
    expect(renderReadme(readme)).toBe(readme);
  });
});
