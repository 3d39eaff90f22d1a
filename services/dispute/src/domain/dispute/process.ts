import type { Role } from '@bp/contracts';
import { defineTable, transitionNamed, type DeadlineSpec as LifecycleDeadline, type NameOf, type Transition as LifecycleTransition } from '@bp/lifecycle';
import type { DisputeStatus } from './dispute';
import type { DisputeEventType } from './events';

/**
 * The dispute lifecycle as data, on the shared kit (@bp/lifecycle). The same table drives the guards in
 * decide, allowedActions in the views, deadlines(state), the reachability test and the README diagram.
 */
export type DeadlineKind =
  | 'seller_response'
  | 'buyer_response'
  | 'resend_shipment'
  | 'evidence_window'
  | 'ruling_sla'
  | 'return_shipment'
  | 'return_answer'
  | 'agreement_window'
  | 'platform_involvement'
  | 'appeal_sla';

/** Policy keys (of the order's policy snapshot) a deadline period comes from. */
export type PeriodKey =
  | 'dispute.sellerResponseWindow'
  | 'dispute.buyerResponseWindow'
  | 'dispute.evidenceWindow'
  | 'dispute.rulingSla'
  | 'returns.returnShipWindow'
  | 'returns.returnAnswerWindow'
  | 'dispute.platformInvolvementAfter'
  | 'returns.appealDecisionSla';

/**
 * statusSince: when the current status was entered; escalatedAt: when arbitration started;
 * firstCounterAt: the seller's first counter-proposal (D5); openedAt (D10); appealFiledAt (S1).
 */
export type Since = 'statusSince' | 'escalatedAt' | 'firstCounterAt' | 'openedAt' | 'appealFiledAt';

/** The API action a transition is reached through (allowedActions lists these). */
export type Action =
  | 'accept'
  | 'counter_propose'
  | 'edit_proposal'
  | 'escalate'
  | 'cancel'
  | 'post_message'
  | 'add_evidence'
  | 'rule'
  | 'ship_return'
  | 'confirm_return_receipt'
  | 'ship_resend'
  | 'file_appeal'
  | 'decide_appeal';

/** The dispute's words for the kit's table ('same': the status does not change, e.g. messages, SLA alert). */
export interface DisputeLifecycle {
  status: DisputeStatus;
  role: Role;
  command: never;
  action: Action;
  guard: never;
  since: Since;
  period: PeriodKey;
  deadlineKind: DeadlineKind;
  /** The events a transition may record (test/domain/effects.unit.test.ts walks the decider through each row). */
  effect: DisputeEventType;
}

export type DeadlineSpec = LifecycleDeadline<DisputeLifecycle>;

const ACTIVE = [
  'awaiting_seller',
  'awaiting_buyer',
  'awaiting_resend',
  'in_arbitration',
  'awaiting_ruling',
  'awaiting_return_shipment',
  'return_in_transit',
  'resolved',
  'appealed',
] as const;
const ARBITRATION = ['in_arbitration', 'awaiting_ruling'] as const;

const SELLER_RESPONSE: DeadlineSpec = {
  kind: 'seller_response',
  since: 'statusSince',
  period: 'dispute.sellerResponseWindow',
  actor: 'seller',
  onExpiry: 'buyer_proposal_accepted',
};
const RULING_SLA: DeadlineSpec = { kind: 'ruling_sla', since: 'escalatedAt', period: 'dispute.rulingSla', actor: 'agent', onExpiry: 'ops_alerted' };
const NEGOTIATION = ['awaiting_seller', 'awaiting_buyer'] as const;

export const TRANSITIONS = defineTable<DisputeLifecycle>()([
  { name: 'open', from: ['none'], to: 'awaiting_seller', actor: ['buyer'], effects: ['DisputeTermsRecorded', 'DisputeOpened', 'ThreadEntryAdded'] },
  // D4: the seller answers within 5 days; silence accepts the buyer's proposal (R5 / R1).
  {
    name: 'seller_accepts_refund',
    from: ['awaiting_seller'],
    to: 'resolved',
    actor: ['seller'],
    effects: ['DisputeProposalAccepted', 'DisputeSettled'],
    action: 'accept',
  },
  {
    name: 'seller_accepts_return',
    from: ['awaiting_seller'],
    to: 'awaiting_return_shipment',
    actor: ['seller'],
    effects: ['DisputeProposalAccepted', 'ReturnRequested'],
    action: 'accept',
  },
  {
    name: 'seller_accepts_extension',
    from: ['awaiting_seller'],
    to: 'resolved',
    actor: ['seller'],
    effects: ['DisputeProposalAccepted', 'DisputeProtectionExtensionAgreed'],
    action: 'accept',
  },
  {
    name: 'seller_counter_proposes',
    from: ['awaiting_seller'],
    to: 'awaiting_buyer',
    actor: ['seller'],
    effects: ['DisputeCounterProposed', 'ThreadEntryAdded'],
    action: 'counter_propose',
  },
  {
    name: 'seller_silence_refund',
    from: ['awaiting_seller'],
    to: 'resolved',
    actor: ['system'],
    effects: ['DisputeProposalAccepted', 'DisputeSettled'],
    deadline: SELLER_RESPONSE,
  },
  {
    name: 'seller_silence_return',
    from: ['awaiting_seller'],
    to: 'awaiting_return_shipment',
    actor: ['system'],
    effects: ['DisputeProposalAccepted', 'ReturnRequested'],
    deadline: SELLER_RESPONSE,
  },
  // O8: agreeing to EXTEND_PROTECTION (by the seller, by silence or by a ruling) resolves the dispute; money stays held.
  {
    name: 'seller_silence_extension',
    from: ['awaiting_seller'],
    to: 'resolved',
    actor: ['system'],
    effects: ['DisputeProposalAccepted', 'DisputeProtectionExtensionAgreed'],
    deadline: SELLER_RESPONSE,
  },
  // D5: 15 days to agree in total, counted from the seller's FIRST counter-proposal (edits and later
  // counters do not restart it); the buyer's silence, or the time running out, escalates.
  {
    name: 'buyer_accepts_refund',
    from: ['awaiting_buyer'],
    to: 'resolved',
    actor: ['buyer'],
    effects: ['DisputeProposalAccepted', 'DisputeSettled'],
    action: 'accept',
  },
  {
    name: 'buyer_accepts_return',
    from: ['awaiting_buyer'],
    to: 'awaiting_return_shipment',
    actor: ['buyer'],
    effects: ['DisputeProposalAccepted', 'ReturnRequested'],
    action: 'accept',
  },
  {
    name: 'buyer_accepts_resend',
    from: ['awaiting_buyer'],
    to: 'awaiting_resend',
    actor: ['buyer'],
    effects: ['DisputeProposalAccepted', 'DisputeResendAgreed'],
    action: 'accept',
  },
  {
    name: 'buyer_edits_proposal',
    from: ['awaiting_buyer'],
    to: 'awaiting_seller',
    actor: ['buyer'],
    effects: ['DisputeProposalEdited', 'ThreadEntryAdded'],
    action: 'edit_proposal',
  },
  {
    name: 'buyer_silence_escalates',
    from: ['awaiting_buyer'],
    to: 'in_arbitration',
    actor: ['system'],
    effects: ['DisputeEscalated'],
    deadline: { kind: 'buyer_response', since: 'firstCounterAt', period: 'dispute.buyerResponseWindow', actor: 'buyer', onExpiry: 'escalated' },
  },
  {
    name: 'agreement_window_escalates',
    from: ['awaiting_seller'],
    to: 'in_arbitration',
    actor: ['system'],
    effects: ['DisputeEscalated'],
    deadline: { kind: 'agreement_window', since: 'firstCounterAt', period: 'dispute.buyerResponseWindow', actor: 'parties', onExpiry: 'escalated' },
  },
  // D11: the counter or edit that makes the Nth rejected proposal sends the dispute to arbitration.
  {
    name: 'haggling_limit_escalates',
    from: NEGOTIATION,
    to: 'in_arbitration',
    actor: ['system'],
    effects: ['DisputeCounterProposed', 'DisputeProposalEdited', 'ThreadEntryAdded', 'DisputeEscalated'],
  },
  // D10 (policy, default off): not settled this long after opening -> the platform steps in.
  {
    name: 'platform_involvement_escalates',
    from: NEGOTIATION,
    to: 'in_arbitration',
    actor: ['system'],
    effects: ['DisputeEscalated'],
    deadline: { kind: 'platform_involvement', since: 'openedAt', period: 'dispute.platformInvolvementAfter', actor: 'parties', onExpiry: 'escalated' },
  },
  // D6: escalation by either party once the dispute is old enough (a guard, not a timer).
  {
    name: 'escalate',
    from: ['awaiting_seller', 'awaiting_buyer', 'awaiting_resend'],
    to: 'in_arbitration',
    actor: ['buyer', 'seller'],
    effects: ['DisputeEscalated', 'ThreadEntryAdded'],
    action: 'escalate',
  },
  // D7: the buyer withdraws before any outcome.
  {
    name: 'withdraw',
    from: ['awaiting_seller', 'awaiting_buyer', 'awaiting_resend', 'in_arbitration', 'awaiting_ruling'],
    to: 'withdrawn',
    actor: ['buyer'],
    effects: ['DisputeWithdrawn'],
    action: 'cancel',
  },
  // D9: resend; the seller ships within the seller response window or the dispute escalates.
  { name: 'seller_ships_resend', from: ['awaiting_resend'], to: 'resolved', actor: ['seller'], effects: ['ResendShipped'], action: 'ship_resend' },
  {
    name: 'resend_missed_escalates',
    from: ['awaiting_resend'],
    to: 'in_arbitration',
    actor: ['system'],
    effects: ['DisputeEscalated'],
    deadline: { kind: 'resend_shipment', since: 'statusSince', period: 'dispute.sellerResponseWindow', actor: 'seller', onExpiry: 'escalated' },
  },
  // D8: evidence window, then the ruling; a missed SLA only alerts.
  {
    name: 'evidence_window_closes',
    from: ['in_arbitration'],
    to: 'awaiting_ruling',
    actor: ['system'],
    effects: ['EvidenceWindowClosed'],
    deadline: { kind: 'evidence_window', since: 'escalatedAt', period: 'dispute.evidenceWindow', actor: 'parties', onExpiry: 'awaiting_ruling' },
  },
  { name: 'ruling_sla_breached', from: ARBITRATION, to: 'same', actor: ['system'], effects: ['ArbitrationSlaBreached'], deadline: RULING_SLA },
  { name: 'rule_refund', from: ARBITRATION, to: 'resolved', actor: ['agent'], effects: ['DisputeRuled', 'ThreadEntryAdded', 'DisputeSettled'], action: 'rule' },
  {
    name: 'rule_return',
    from: ARBITRATION,
    to: 'awaiting_return_shipment',
    actor: ['agent'],
    effects: ['DisputeRuled', 'ThreadEntryAdded', 'ReturnRequested'],
    action: 'rule',
  },
  {
    name: 'rule_resend',
    from: ARBITRATION,
    to: 'awaiting_resend',
    actor: ['agent'],
    effects: ['DisputeRuled', 'ThreadEntryAdded', 'DisputeResendAgreed'],
    action: 'rule',
  },
  {
    name: 'rule_extension',
    from: ARBITRATION,
    to: 'resolved',
    actor: ['agent'],
    effects: ['DisputeRuled', 'ThreadEntryAdded', 'DisputeProtectionExtensionAgreed'],
    action: 'rule',
  },
  // R1-R4, R6: the return.
  {
    name: 'buyer_ships_return',
    from: ['awaiting_return_shipment'],
    to: 'return_in_transit',
    actor: ['buyer'],
    effects: ['ReturnShipped', 'FastRefundGranted'],
    action: 'ship_return',
  },
  {
    name: 'return_missed',
    from: ['awaiting_return_shipment'],
    to: 'resolved',
    actor: ['system'],
    effects: ['DisputeSettled'],
    deadline: { kind: 'return_shipment', since: 'statusSince', period: 'returns.returnShipWindow', actor: 'buyer', onExpiry: 'closed_for_seller' },
  },
  {
    name: 'seller_confirms_return',
    from: ['return_in_transit'],
    to: 'resolved',
    actor: ['seller'],
    effects: ['ReturnReceived', 'ThreadEntryAdded', 'DisputeSettled'],
    action: 'confirm_return_receipt',
  },
  {
    name: 'seller_reports_return_problem',
    from: ['return_in_transit'],
    to: 'in_arbitration',
    actor: ['seller'],
    effects: ['ReturnReceived', 'ThreadEntryAdded', 'DisputeEscalated'],
    action: 'confirm_return_receipt',
  },
  {
    name: 'return_unanswered',
    from: ['return_in_transit'],
    to: 'resolved',
    actor: ['system'],
    effects: ['DisputeSettled'],
    deadline: { kind: 'return_answer', since: 'statusSince', period: 'returns.returnAnswerWindow', actor: 'seller', onExpiry: 'refunded' },
  },
  // R7, R8: one appeal after an arbitration ruling.
  {
    name: 'file_appeal',
    from: ['resolved', 'awaiting_return_shipment'],
    to: 'appealed',
    actor: ['buyer', 'agent'],
    effects: ['AppealFiled', 'ThreadEntryAdded'],
    action: 'file_appeal',
  },
  {
    name: 'decide_appeal',
    from: ['appealed'],
    to: 'appeal_decided',
    actor: ['agent'],
    effects: ['ThreadEntryAdded', 'AppealDecided', 'DisputeSettled'],
    action: 'decide_appeal',
  },
  {
    name: 'uphold_return_ruling',
    from: ['appealed'],
    to: 'awaiting_return_shipment',
    actor: ['agent'],
    effects: ['ThreadEntryAdded', 'AppealDecided', 'ReturnRequested'],
    action: 'decide_appeal',
  },
  // S1: appeals have their own decision SLA; a missed one only alerts ops.
  {
    name: 'appeal_sla_breached',
    from: ['appealed'],
    to: 'same',
    actor: ['system'],
    effects: ['AppealSlaBreached'],
    deadline: { kind: 'appeal_sla', since: 'appealFiledAt', period: 'returns.appealDecisionSla', actor: 'agent', onExpiry: 'ops_alerted' },
  },
  // D3: the thread stays open to the parties and the agent.
  { name: 'post_message', from: ACTIVE, to: 'same', actor: ['buyer', 'seller', 'agent'], effects: ['ThreadEntryAdded'], action: 'post_message' },
  { name: 'add_evidence', from: ACTIVE, to: 'same', actor: ['buyer', 'seller', 'agent'], effects: ['ThreadEntryAdded'], action: 'add_evidence' },
]);

/** Every transition's name, as a union: guard('escalte', ...) fails the type check. */
export type TransitionName = NameOf<typeof TRANSITIONS>;
export type Transition = LifecycleTransition<DisputeLifecycle, TransitionName>;

export const FINAL_STATUSES: readonly DisputeStatus[] = ['withdrawn', 'appeal_decided'];

export const transition = (name: TransitionName): Transition => transitionNamed(TRANSITIONS, name);
