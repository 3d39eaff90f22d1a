import type { Actor, Money } from '@bp/contracts';
import { allowedActionsOf } from '@bp/lifecycle';
import type { ThreadEntry } from '../thread/thread';
import type { DisputeState, OpenDisputeState, ProposalOnTable } from './dispute';
import { appealDecideBy, appealWindowEnd, deadlines, type Deadline } from './deadlines';
import { refusalOf } from './guards';
import { TRANSITIONS, type Action } from './process';

export interface DisputeView {
  disputeId: string;
  orderId: string;
  status: OpenDisputeState['status'];
  buyerId: string;
  sellerId: string;
  reason: OpenDisputeState['reason'];
  goodsReceived: boolean;
  paid: Money;
  openedAt: string;
  proposals: ProposalOnTable[];
  currentProposals: { buyer: string; seller: string | null };
  escalation: OpenDisputeState['escalation'];
  ruling: OpenDisputeState['ruling'];
  returnInfo: { pending: OpenDisputeState['pendingReturn']; shipment: OpenDisputeState['returnShipment']; fastRefunded: Money };
  settlement: OpenDisputeState['settlement'];
  resend: OpenDisputeState['resend'];
  appeal: OpenDisputeState['appeal'];
  /** O8: the extension the dispute ended with. */
  protectionExtension: { days: number; agreedAt: string } | null;
  thread: ThreadEntry[];
  deadlines: Deadline[];
  allowedActions: Action[];
}

/** What `caller` may do now: every action with at least one transition the guards let through. */
export const allowedActions = (state: DisputeState, caller: Actor, now: string): Action[] =>
  allowedActionsOf(TRANSITIONS, (t) => refusalOf(state, t.name, caller, now) === null);

/** Timers plus the appeal window (R7) while an appeal is still possible. */
const viewDeadlines = (s: OpenDisputeState, now: string): Deadline[] => {
  const end = appealWindowEnd(s);
  const appealOpen = end !== null && refusalOf(s, 'file_appeal', { role: 'buyer', id: s.buyerId }, now) === null;
  return appealOpen ? [...deadlines(s), { kind: 'appeal_window', dueAt: end, actor: 'buyer', onExpiry: 'appeal_closed' }] : deadlines(s);
};

/** GET /disputes/{id}: the dispute with its thread, proposals, deadlines and allowedActions. */
export const disputeView = (state: DisputeState, caller: Actor, now: string): DisputeView | null => {
  if (state.status === 'none') return null;
  const s = state;
  return {
    disputeId: s.disputeId,
    orderId: s.orderId,
    status: s.status,
    buyerId: s.buyerId,
    sellerId: s.sellerId,
    reason: s.reason,
    goodsReceived: s.goodsReceived,
    paid: s.paid,
    openedAt: s.openedAt,
    proposals: s.proposals,
    currentProposals: { buyer: s.buyerProposalId, seller: s.sellerProposalId },
    escalation: s.escalation,
    ruling: s.ruling,
    returnInfo: { pending: s.pendingReturn, shipment: s.returnShipment, fastRefunded: s.fastRefunded },
    settlement: s.settlement,
    resend: s.resend,
    appeal: s.appeal && { ...s.appeal, decideBy: appealDecideBy(s) },
    protectionExtension: s.protectionExtension ?? null,
    thread: s.thread,
    deadlines: viewDeadlines(s, now),
    allowedActions: allowedActions(s, caller, now),
  };
};

// ---- S1: the arbitration queue ----

export interface QueueItem {
  disputeId: string;
  orderId: string;
  status: 'in_arbitration' | 'awaiting_ruling';
  expedited: boolean;
  escalatedAt: string;
  rulingDueAt: string;
  slaBreached: boolean;
}

export const queueItemOf = (state: DisputeState): QueueItem | null => {
  if ((state.status !== 'in_arbitration' && state.status !== 'awaiting_ruling') || !state.escalation) return null;
  const e = state.escalation;
  return {
    disputeId: state.disputeId,
    orderId: state.orderId,
    status: state.status,
    expedited: e.expedited,
    escalatedAt: e.at,
    rulingDueAt: e.rulingDueAt,
    slaBreached: e.slaBreachedAt !== null,
  };
};

export interface QueueFilter {
  expedited?: boolean;
  status?: QueueItem['status'];
  slaBreached?: boolean;
}

/** S1: A4 (expedited) first, then the nearest ruling deadline, then the oldest escalation. */
export const compareQueueItems = (a: QueueItem, b: QueueItem): number =>
  Number(b.expedited) - Number(a.expedited) ||
  Date.parse(a.rulingDueAt) - Date.parse(b.rulingDueAt) ||
  Date.parse(a.escalatedAt) - Date.parse(b.escalatedAt) ||
  (a.disputeId < b.disputeId ? -1 : a.disputeId > b.disputeId ? 1 : 0);

export const arbitrationQueue = (items: readonly QueueItem[], filter: QueueFilter = {}): QueueItem[] =>
  items
    .filter((i) => (filter.expedited === undefined || i.expedited === filter.expedited) && (filter.status === undefined || i.status === filter.status))
    .filter((i) => filter.slaBreached === undefined || i.slaBreached === filter.slaBreached)
    .sort(compareQueueItems);

// ---- S1: the appeal queue (its own decision SLA, A4 first) ----

export interface AppealQueueItem {
  disputeId: string;
  orderId: string;
  expedited: boolean;
  filedAt: string;
  filedBy: 'buyer' | 'agent';
  decideBy: string;
  slaBreached: boolean;
}

export const appealQueueItemOf = (state: DisputeState): AppealQueueItem | null => {
  if (state.status !== 'appealed' || !state.appeal) return null;
  const a = state.appeal;
  return {
    disputeId: state.disputeId,
    orderId: state.orderId,
    expedited: a.expedited ?? false,
    filedAt: a.filedAt,
    filedBy: a.filedBy,
    decideBy: appealDecideBy(state)!,
    slaBreached: Boolean(a.slaBreachedAt),
  };
};

/** S1: A4 (expedited) first, then the nearest decision SLA, then the oldest appeal. */
export const compareAppealItems = (a: AppealQueueItem, b: AppealQueueItem): number =>
  Number(b.expedited) - Number(a.expedited) ||
  Date.parse(a.decideBy) - Date.parse(b.decideBy) ||
  Date.parse(a.filedAt) - Date.parse(b.filedAt) ||
  (a.disputeId < b.disputeId ? -1 : a.disputeId > b.disputeId ? 1 : 0);
