import { addDuration, durationMs, type IsoDuration, type PolicySnapshot } from '@bp/timers';
import { firstCounterAt, type OpenDisputeState, type DisputeState } from './dispute';
import { timersIn } from '@bp/lifecycle';
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

/** Each period key of the transition table, read from the order's policy snapshot (null: off, D10). */
const PERIODS: Record<PeriodKey, (s: OpenDisputeState) => IsoDuration | null> = {
  'dispute.sellerResponseWindow': (s) => s.policy.dispute.sellerResponseWindow,
  'dispute.buyerResponseWindow': (s) => s.policy.dispute.buyerResponseWindow,
  'dispute.evidenceWindow': (s) => s.policy.dispute.evidenceWindow,
  'dispute.rulingSla': (s) => rulingSlaOf(s.policy, s.escalation?.expedited ?? false),
  'returns.returnShipWindow': (s) => s.policy.returns.returnShipWindow,
  'returns.returnAnswerWindow': (s) => s.policy.returns.returnAnswerWindow,
  // D10: absent in snapshots taken before the setting existed = off.
  'dispute.platformInvolvementAfter': (s) => s.policy.dispute.platformInvolvementAfter ?? null,
  'returns.appealDecisionSla': (s) => s.policy.returns.appealDecisionSla,
};

export const periodOf = (s: OpenDisputeState, key: PeriodKey): IsoDuration | null => PERIODS[key](s);

const sinceOf = (s: OpenDisputeState, spec: DeadlineSpec): string | null => {
  switch (spec.since) {
    case 'statusSince':
      return s.statusSince;
    case 'escalatedAt':
      return s.escalation?.at ?? null;
    case 'firstCounterAt':
      return firstCounterAt(s);
    case 'openedAt':
      return s.openedAt;
    case 'appealFiledAt':
      return s.appeal?.filedAt ?? null;
  }
};

/** The SLA alerts fire once (D8, S1). */
const applies = (s: OpenDisputeState, spec: DeadlineSpec): boolean =>
  (spec.kind !== 'ruling_sla' || s.escalation?.slaBreachedAt === null) && (spec.kind !== 'appeal_sla' || !s.appeal?.slaBreachedAt);

/**
 * Which deadline wins when two would end the same negotiation: D10 (when set) wins over D4/D5, and
 * the end of D5's 15 days to agree wins over a seller window that would end with or after it. The
 * loser is dropped, so the scheduler never has two expiries racing for one dispute.
 */
const OUTRANKS: Partial<Record<DeadlineKind, readonly DeadlineKind[]>> = {
  platform_involvement: ['seller_response', 'buyer_response', 'agreement_window'],
  agreement_window: ['seller_response'],
};
const outranked = (d: Deadline, all: readonly Deadline[]): boolean =>
  all.some((w) => w !== d && (OUTRANKS[w.kind as DeadlineKind] ?? []).includes(d.kind as DeadlineKind) && Date.parse(w.dueAt) <= Date.parse(d.dueAt));

/** Deadlines are a function of state (conventions): the timer table is synced to exactly this list. */
export const deadlines = (state: DisputeState): Deadline[] => {
  if (state.status === 'none') return [];
  const unique = timersIn(TRANSITIONS, state.status)
    .map((t) => t.deadline)
    .filter((d) => applies(state, d));
  const all = unique.flatMap((d): Deadline[] => {
    const since = sinceOf(state, d);
    const period = d.period === null ? 'PT0S' : periodOf(state, d.period);
    return since === null || period === null ? [] : [{ kind: d.kind, dueAt: addDuration(since, period), actor: d.actor, onExpiry: d.onExpiry }];
  });
  return all.filter((d) => !outranked(d, all));
};

/** S1: when an appeal must be decided (null without an appeal). */
export const appealDecideBy = (s: OpenDisputeState): string | null =>
  s.appeal ? (s.appeal.decideBy ?? addDuration(s.appeal.filedAt, s.policy.returns.appealDecisionSla)) : null;

/** D5: when the 15 days to agree end (null before the seller's first counter-proposal). */
export const agreementEndsAt = (s: OpenDisputeState): string | null => {
  const first = firstCounterAt(s);
  return first === null ? null : addDuration(first, s.policy.dispute.buyerResponseWindow);
};

/** R7: the appeal window, shown in views (a guard, not a timer: its expiry changes nothing). */
export const appealWindowEnd = (s: OpenDisputeState): string | null => (s.ruling ? addDuration(s.ruling.ruledAt, s.policy.returns.appealWindow) : null);
