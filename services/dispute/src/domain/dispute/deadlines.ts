import { addDuration, durationMs, type IsoDuration, type PolicySnapshot } from '@bp/timers';
import type { OpenDisputeState, DisputeState } from './dispute';
import { TRANSITIONS, type DeadlineKind, type DeadlineSpec, type PeriodKey } from './process';

/** API.md view shape of a pending timer. */
export interface Deadline {
  kind: DeadlineKind | 'appeal_window';
  dueAt: string;
  actor: DeadlineSpec['actor'];
  onExpiry: string;
}

const shorter = (a: IsoDuration, b: IsoDuration): IsoDuration => (durationMs(a) <= durationMs(b) ? a : b);

/** D8: the ruling SLA; A4 (expedited) is shorter, and never above the cap. */
export const rulingSlaOf = (policy: PolicySnapshot, expedited: boolean): IsoDuration =>
  shorter(expedited ? policy.dispute.rulingSlaExpedited : policy.dispute.rulingSla, policy.dispute.rulingSlaMax);

/** Each period key of the transition table, read from the order's policy snapshot. */
const PERIODS: Record<PeriodKey, (s: OpenDisputeState) => IsoDuration> = {
  'dispute.sellerResponseWindow': (s) => s.policy.dispute.sellerResponseWindow,
  'dispute.buyerResponseWindow': (s) => s.policy.dispute.buyerResponseWindow,
  'dispute.evidenceWindow': (s) => s.policy.dispute.evidenceWindow,
  'dispute.rulingSla': (s) => rulingSlaOf(s.policy, s.escalation?.expedited ?? false),
  'returns.returnShipWindow': (s) => s.policy.returns.returnShipWindow,
  'returns.returnAnswerWindow': (s) => s.policy.returns.returnAnswerWindow,
};

export const periodOf = (s: OpenDisputeState, key: PeriodKey): IsoDuration => PERIODS[key](s);

const sinceOf = (s: OpenDisputeState, spec: DeadlineSpec): string | null =>
  spec.since === 'statusSince' ? s.statusSince : (s.escalation?.at ?? null);

/** The SLA alert fires once (D8). */
const applies = (s: OpenDisputeState, spec: DeadlineSpec): boolean => spec.kind !== 'ruling_sla' || s.escalation?.slaBreachedAt === null;

/** Deadlines are a function of state (conventions): the timer table is synced to exactly this list. */
export const deadlines = (state: DisputeState): Deadline[] => {
  if (state.status === 'none') return [];
  const specs = TRANSITIONS.filter((t) => t.deadline && t.from.includes(state.status)).map((t) => t.deadline!);
  const unique = specs.filter((d, i) => specs.findIndex((x) => x.kind === d.kind) === i && applies(state, d));
  return unique.flatMap((d) => {
    const since = sinceOf(state, d);
    return since === null ? [] : [{ kind: d.kind, dueAt: addDuration(since, periodOf(state, d.period)), actor: d.actor, onExpiry: d.onExpiry }];
  });
};

/** R7: the appeal window, shown in views (a guard, not a timer: its expiry changes nothing). */
export const appealWindowEnd = (s: OpenDisputeState): string | null =>
  s.ruling ? addDuration(s.ruling.ruledAt, s.policy.returns.appealWindow) : null;
