/**
 * A webhook delivery's lifecycle as data, on the shared kit (@bp/lifecycle): N4/N5. The decider
 * (delivery.ts) takes its status checks and its timer from this table; the README diagram and the
 * reachability test are drawn from it. Nothing is final: a partner may ask again for a delivery
 * that succeeded or was given up (N5).
 */
import type { Role } from '@bp/contracts';
import { defineTable, leavesFrom, transitionNamed, type NameOf } from '@bp/lifecycle';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface DeliveryLifecycle {
  status: DeliveryStatus | 'none';
  role: Role;
  /** The delivery decider's commands (delivery.ts) and the attempt timer. */
  command: 'ScheduleDelivery' | 'RecordAttempt' | 'Redeliver' | 'FireDeadline';
  action: never;
  guard: never;
  since: 'nextAttemptAt';
  /** None: the attempt is due at nextAttemptAt, which already holds the backoff (webhookRetryBase, doubling). */
  period: never;
  deadlineKind: 'webhook_attempt';
  effect: 'DeliveryScheduled' | 'DeliveryAttempted' | 'DeliveryRequeued';
}

const system = ['system'] as const;

export const DELIVERY_PROCESS = defineTable<DeliveryLifecycle>()([
  {
    name: 'schedule',
    command: 'ScheduleDelivery',
    trigger: 'a public event, per active subscription',
    from: ['none'],
    to: 'pending',
    actor: system,
    effects: ['DeliveryScheduled'],
    rule: 'N4',
  },
  {
    name: 'attempt',
    command: 'FireDeadline',
    from: ['pending'],
    to: 'same',
    actor: system,
    effects: [],
    rule: 'N4',
    deadline: { kind: 'webhook_attempt', since: 'nextAttemptAt', period: null, actor: 'system', onExpiry: 'webhook_attempted' },
  },
  {
    name: 'attempt_succeeds',
    command: 'RecordAttempt',
    trigger: 'the partner answers 2xx',
    from: ['pending'],
    to: 'succeeded',
    actor: system,
    effects: ['DeliveryAttempted'],
    rule: 'N4',
  },
  {
    name: 'attempt_fails_retry',
    command: 'RecordAttempt',
    trigger: 'failure within webhookRetryFor',
    from: ['pending'],
    to: 'same',
    actor: system,
    effects: ['DeliveryAttempted'],
    rule: 'N4',
  },
  {
    name: 'attempt_fails_give_up',
    command: 'RecordAttempt',
    trigger: 'failure past webhookRetryFor',
    from: ['pending'],
    to: 'failed',
    actor: system,
    effects: ['DeliveryAttempted'],
    rule: 'N4',
  },
  { name: 'redeliver', command: 'Redeliver', from: ['succeeded', 'failed'], to: 'pending', actor: ['partner'], effects: ['DeliveryRequeued'], rule: 'N5' },
]);

export type DeliveryTransitionName = NameOf<typeof DELIVERY_PROCESS>;

export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'succeeded', 'failed'];

/** The table's status check for one row. */
export const deliveryMayRun = (name: DeliveryTransitionName, status: DeliveryLifecycle['status']): boolean =>
  leavesFrom(transitionNamed(DELIVERY_PROCESS, name), status);
