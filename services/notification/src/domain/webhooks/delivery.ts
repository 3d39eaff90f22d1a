import { DomainError, type Actor } from '@bp/contracts';
import { timersIn } from '@bp/lifecycle';
import { durationMs, type Policy } from '@bp/timers';
import { DELIVERY_PROCESS, deliveryMayRun, type DeliveryStatus } from './delivery-process';

/**
 * One event delivered to one subscription, retried with exponential backoff for up to
 * `webhookRetryFor` (24 h by default), then given up; a partner may ask for a redelivery. The next
 * attempt time is the delivery's deadline, fired by the shared timers.
 */
export type { DeliveryStatus } from './delivery-process';

export type DeliveryEvent =
  | { type: 'DeliveryScheduled'; data: { deliveryId: string; subscriptionId: string; eventId: string; ceType: string; body: string; at: string } }
  | {
      type: 'DeliveryAttempted';
      data: { deliveryId: string; attempt: number; ok: boolean; status: number | null; error: string | null; at: string; nextAttemptAt: string | null };
    }
  | { type: 'DeliveryRequeued'; data: { deliveryId: string; at: string } };

type Meta = { now: string; actor: Actor };
/** Its types are the table's commands (delivery-process.ts) but the timer's. */
export type DeliveryCommand =
  | { type: 'ScheduleDelivery'; data: { deliveryId: string; subscriptionId: string; eventId: string; ceType: string; body: string }; meta: Meta }
  | { type: 'RecordAttempt'; data: { deliveryId: string; ok: boolean; status: number | null; error: string | null }; meta: Meta }
  /** `subscriptionId`: the one the caller asked under; a delivery of another one does not exist there. */
  | { type: 'Redeliver'; data: { deliveryId: string; subscriptionId?: string }; meta: Meta };

export type DeliveryState =
  | { status: 'none' }
  | {
      status: DeliveryStatus;
      deliveryId: string;
      subscriptionId: string;
      eventId: string;
      ceType: string;
      body: string;
      firstAt: string;
      attempts: number;
      nextAttemptAt: string | null;
      lastStatus: number | null;
      lastError: string | null;
    };

export const initialDeliveryState: DeliveryState = { status: 'none' };

export const evolveDelivery = (s: DeliveryState, e: DeliveryEvent): DeliveryState => {
  if (e.type === 'DeliveryScheduled') {
    const { at, ...d } = e.data;
    return { status: 'pending', ...d, firstAt: at, attempts: 0, nextAttemptAt: at, lastStatus: null, lastError: null };
  }
  if (s.status === 'none') return s;
  if (e.type === 'DeliveryRequeued') return { ...s, status: 'pending', firstAt: e.data.at, nextAttemptAt: e.data.at };
  const { attempt, ok, status, error, nextAttemptAt } = e.data;
  return { ...s, attempts: attempt, lastStatus: status, lastError: error, nextAttemptAt, status: ok ? 'succeeded' : nextAttemptAt ? 'pending' : 'failed' };
};

/** Backoff base × 2^(attempt-1), never past the retry horizon; null = give up. */
export const nextAttempt = (firstAt: string, now: string, attempt: number, policy: Policy['notifications']): string | null => {
  const delay = durationMs(policy.webhookRetryBase) * 2 ** Math.min(attempt - 1, 30);
  const next = Date.parse(now) + delay;
  return next - Date.parse(firstAt) > durationMs(policy.webhookRetryFor) ? null : new Date(next).toISOString();
};

export const decideDelivery = (c: DeliveryCommand, s: DeliveryState, policy: Policy['notifications']): DeliveryEvent[] => {
  switch (c.type) {
    case 'ScheduleDelivery':
      return s.status === 'none' ? [{ type: 'DeliveryScheduled', data: { ...c.data, at: c.meta.now } }] : [];
    case 'RecordAttempt': {
      // a late answer after success or give-up changes nothing
      if (s.status === 'none' || !deliveryMayRun('attempt_succeeds', s.status)) return [];
      const attempt = s.attempts + 1;
      const nextAttemptAt = c.data.ok ? null : nextAttempt(s.firstAt, c.meta.now, attempt, policy);
      return [{ type: 'DeliveryAttempted', data: { ...c.data, attempt, at: c.meta.now, nextAttemptAt } }];
    }
    case 'Redeliver':
      if (s.status === 'none' || (c.data.subscriptionId !== undefined && c.data.subscriptionId !== s.subscriptionId))
        throw new DomainError('DELIVERY_NOT_FOUND', 'no such delivery', 'not_found');
      if (!deliveryMayRun('redeliver', s.status)) throw new DomainError('DELIVERY_IN_PROGRESS', 'the delivery is still being retried', 'conflict');
      return [{ type: 'DeliveryRequeued', data: { deliveryId: s.deliveryId, at: c.meta.now } }];
    default: {
      const never: never = c;
      throw new Error(`unknown command ${(never as { type: string }).type}`);
    }
  }
};

/** Deadlines from state: the table's timers in this status, due at the next attempt time. */
export const deliveryDeadlines = (s: DeliveryState) => {
  if (s.status === 'none' || !s.nextAttemptAt) return [];
  const dueAt = s.nextAttemptAt;
  return timersIn(DELIVERY_PROCESS, s.status).map(({ deadline: d }) => ({ kind: d.kind, dueAt, actor: d.actor, onExpiry: d.onExpiry }));
};
