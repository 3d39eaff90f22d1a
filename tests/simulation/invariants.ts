// The global invariants the simulation checks after every committed batch and every step (issue 17).
// Each is stated over what the services hold, never over how they got there:
//  - E1, E2, R6: every escrow ledger conserves money (the escrow's own verifyConservation), refunds
//    never exceed the capture; at most one release and one closing per order;
//  - S3: no release to the seller while a dispute is open on the order, or can still be opened
//    (after an auto-confirm the dispute service must have stopped accepting openings);
//  - S3: an order in its final state never changes (only reviews and refund records follow);
//  - timers: a deadline fires (with effect) at most once, and never for a state that moved on;
//  - D8: no ruling before the evidence window's end; R6/O12: the fast refund follows the level at
//    opening, like expedited arbitration;
//  - at the end (after draining): every order is final and order, escrow and dispute agree.
import { verifyConservation } from '../../services/escrow/src/domain';
import type { EscrowEvent, EscrowState } from '../../services/escrow/src/domain';
import { deadlines as orderDeadlines, type OrderState } from '../../services/order/src/domain/order';
import { deadlines as disputeDeadlines, type DisputeState, type OpenDisputeState, type OrderFactsState } from '../../services/dispute/src/domain';
import type { Observer, Service, SimSystem } from './system';

type Ev = { type: string; data: unknown };

export interface Violation {
  rule: string;
  detail: string;
  step: number;
}

/** Dispute statuses in which the dispute holds the order (its money may not move to the seller). */
const OPEN: readonly string[] = [
  'awaiting_seller',
  'awaiting_buyer',
  'awaiting_resend',
  'in_arbitration',
  'awaiting_ruling',
  'awaiting_return_shipment',
  'return_in_transit',
];
const AFTER_FINAL_ORDER: readonly string[] = ['ReviewPosted', 'ReviewReplied', 'ReviewPublished', 'ReviewWindowClosed', 'RefundRecorded', 'BuyerRated'];
const isFinalOrder = (s: unknown): boolean => ['completed', 'closed'].includes((s as OrderState).status);

export class Invariants implements Observer {
  readonly violations: Violation[] = [];
  checks = 0;
  step = 0;
  private sys!: SimSystem;
  private readonly fired = new Set<string>();
  /** disputes per order, as the simulation opened them */
  readonly disputesOf = new Map<string, string[]>();

  attach(sys: SimSystem): void {
    this.sys = sys;
  }

  violation(rule: string, detail: string): void {
    this.violations.push({ rule, detail, step: this.step });
  }

  private check(ok: boolean, rule: string, detail: () => string): void {
    this.checks += 1;
    if (!ok) this.violation(rule, detail());
  }

  committed(service: Service, streamId: string, events: Ev[], before: unknown, after: unknown, cause: string): void {
    // timers: an effective firing matches a deadline the state listed, once
    const [label, kind, dueAt, timerStream] = cause.split(' ') as [string, string, string, string];
    if (label === 'FireDeadline' && timerStream === streamId) {
      const listed = service === 'order' ? orderDeadlines(before as OrderState) : service === 'dispute' ? disputeDeadlines(before as DisputeState) : null;
      if (listed)
        this.check(
          listed.some((d) => d.kind === kind && Date.parse(d.dueAt) === Date.parse(dueAt)),
          'DEADLINE_STALE',
          () => `${service} ${streamId} ${kind}@${dueAt} fired for a state that moved on`,
        );
      const key = `${service}|${streamId}|${kind}|${new Date(dueAt).toISOString()}`;
      this.check(!this.fired.has(key), 'DEADLINE_TWICE', () => `${key} fired twice`);
      this.fired.add(key);
    }
    // a deadline no longer listed ended; listed again later (same time, e.g. a dispute withdrawn at the
    // instant it opened) it is a new deadline that may fire again
    const listedAfter =
      service === 'order'
        ? orderDeadlines(after as OrderState)
        : service === 'dispute' && streamId.startsWith('dispute-')
          ? disputeDeadlines(after as DisputeState)
          : null;
    if (listedAfter) {
      const live = new Set(listedAfter.map((d) => `${service}|${streamId}|${d.kind}|${new Date(d.dueAt).toISOString()}`));
      for (const k of [...this.fired]) if (k.startsWith(`${service}|${streamId}|`) && !live.has(k)) this.fired.delete(k);
    }
    if (service === 'order') this.orderCommitted(streamId, events, before);
    if (service === 'escrow') this.escrowCommitted(streamId, events as EscrowEvent[], after as EscrowState);
    if (service === 'dispute' && streamId.startsWith('dispute-')) this.disputeCommitted(events, before as DisputeState);
  }

  private orderCommitted(orderId: string, events: Ev[], before: unknown): void {
    if (!isFinalOrder(before)) return;
    for (const e of events)
      this.check(AFTER_FINAL_ORDER.includes(e.type), 'FINAL_ORDER_CHANGED', () => `${orderId}: ${e.type} after ${(before as OrderState).status}`);
  }

  private escrowCommitted(orderId: string, events: EscrowEvent[], after: EscrowState): void {
    for (const e of events) {
      if (e.type !== 'FundsReleased') continue;
      // S3: at the moment money goes to the seller, no other dispute holds the order ...
      const settling = e.data.trigger === 'DISPUTE_SETTLED' ? e.data.disputeId : undefined;
      for (const id of this.disputesOf.get(orderId) ?? []) {
        const d = this.sys.dispute(id);
        if (id === settling || d.status === 'none') continue;
        const holds = OPEN.includes(d.status) || (d.status === 'appealed' && this.factsOf(orderId)?.openDisputeId === id);
        this.check(!holds, 'RELEASE_WHILE_DISPUTE_OPEN', () => `${orderId}: released (${e.data.trigger}) while dispute ${id} is ${d.status}`);
      }
      // ... and after an auto-confirm none can still be opened (the dispute service stopped accepting them)
      const order = this.sys.order(orderId);
      if (e.data.trigger === 'ORDER_COMPLETED' && order.status === 'completed' && order.completion.reason === 'AUTO_CONFIRMED') {
        const f = this.factsOf(orderId);
        const closedForDisputes = !f || f.status === 'completed' || f.status === 'closed' || f.protectionEnded === true;
        this.check(
          closedForDisputes,
          'RELEASE_WHILE_DISPUTE_POSSIBLE',
          () => `${orderId}: auto-confirm released while the dispute service still accepts openings`,
        );
      }
    }
    if (after.status === 'unknown') return;
    this.check(after.releases <= 1, 'E3_RELEASED_TWICE', () => `${orderId}: ${after.releases} releases`);
    const closings = this.sys.events('escrow', orderId).filter((e) => e.type === 'EscrowClosed').length;
    this.check(closings <= 1, 'ESCROW_CLOSED_TWICE', () => `${orderId}: closed ${closings} times`);
    for (const v of verifyConservation(after)) this.check(false, `${v.rule}_${v.code}`, () => `${orderId}: ${v.detail}`);
  }

  private disputeCommitted(events: Ev[], before: DisputeState): void {
    for (const e of events) {
      if (e.type === 'DisputeRuled' && before.status !== 'none' && before.escalation) {
        const ruledAt = (e.data as { ruledAt: string }).ruledAt;
        this.check(
          Date.parse(ruledAt) >= Date.parse(before.escalation.evidenceDueAt),
          'D8_RULED_DURING_EVIDENCE_WINDOW',
          () => `${before.disputeId}: ruled ${ruledAt}, evidence due ${before.escalation!.evidenceDueAt}`,
        );
      }
      if (e.type === 'DisputeEscalated' && before.status !== 'none') {
        const expedited = (e.data as { expedited: boolean }).expedited;
        this.check(
          expedited === before.expeditedLevels.includes(before.buyerLevel),
          'A4_EXPEDITED_NOT_AT_OPENING_LEVEL',
          () => `${before.disputeId}: expedited ${expedited}, level at opening ${before.buyerLevel}`,
        );
      }
      if (e.type === 'ReturnShipped' && before.status !== 'none') this.fastRefundFollowsOpeningLevel(before, events);
    }
  }

  /** R6, O12: with the level at opening eligible (and something due) a fast refund is granted, otherwise none. */
  private fastRefundFollowsOpeningLevel(s: OpenDisputeState, events: Ev[]): void {
    const granted = events.some((e) => e.type === 'FastRefundGranted');
    const due = (s.pendingReturn?.refund.amount ?? 0) - (s.pendingReturn?.returnShippingCompensation?.amount ?? 0);
    const eligible = s.policy.returns.fastRefundLevels.includes(s.buyerLevel) && due > 0 && s.fastRefunded.amount === 0;
    this.check(granted === eligible, 'A4_FAST_REFUND_NOT_AT_OPENING_LEVEL', () => `${s.disputeId}: fast refund ${granted}, level at opening ${s.buyerLevel}`);
  }

  private factsOf(orderId: string): Extract<OrderFactsState, { orderId: string }> | null {
    const f = this.sys.orderFacts(orderId);
    return f.status === 'unknown' ? null : f;
  }

  /** After draining: every paid order is final, and the three services agree on how it ended. */
  final(orderIds: string[]): void {
    for (const orderId of orderIds) {
      const o = this.sys.order(orderId);
      const e = this.sys.escrow(orderId);
      if (o.status === 'initial') continue;
      this.check(isFinalOrder(o), 'ORDER_NOT_FINAL', () => `${orderId}: ${o.status} after draining`);
      if (e.status === 'unknown') {
        this.check(false, 'ESCROW_NEVER_HEARD', () => `${orderId}: escrow never recorded the order`);
        continue;
      }
      const escrowFinal = o.status === 'completed' ? ['completed'] : ['cancelled', 'closed'];
      this.check(escrowFinal.includes(e.status), 'ORDER_ESCROW_DISAGREE', () => `${orderId}: order ${o.status}, escrow ${e.status}`);
      for (const v of verifyConservation(e)) this.check(false, `${v.rule}_${v.code}`, () => `${orderId} (final): ${v.detail}`);
      for (const id of this.disputesOf.get(orderId) ?? []) {
        const d = this.sys.dispute(id);
        this.check(
          d.status === 'none' || (!OPEN.includes(d.status) && d.status !== 'appealed'),
          'DISPUTE_NOT_FINAL',
          () => `${orderId}: dispute ${id} still ${d.status}`,
        );
      }
      // E3, S3: a settlement that released the rest to the seller ended the order too (it did not go on in transit)
      for (const x of this.sys.events('escrow', orderId)) {
        const r = x.data as { trigger?: string; disputeId?: string };
        if (x.type !== 'FundsReleased' || r.trigger !== 'DISPUTE_SETTLED') continue;
        this.check(
          o.status === 'completed' && o.completion.disputeId === r.disputeId,
          'SETTLEMENT_IGNORED_BY_ORDER',
          () =>
            `${orderId}: escrow released on dispute ${r.disputeId}'s settlement, the order ended ${o.status}${o.status === 'completed' ? ` ${o.completion.reason}` : ''}`,
        );
      }
      // S3: money taken back after the order completed without a settlement is only an appeal's correction (E5)
      if (o.status === 'completed' && o.completion.reason !== 'DISPUTE_SETTLED') {
        const clawback = this.sys
          .events('escrow', orderId)
          .some((x) => x.type === 'SellerDebited' && (x.data as { reason: string }).reason === 'SETTLEMENT_CLAWBACK');
        const appealed = (this.disputesOf.get(orderId) ?? []).some((id) => {
          const d = this.sys.dispute(id);
          return d.status !== 'none' && d.appeal !== null;
        });
        this.check(
          !clawback || appealed,
          'SETTLEMENT_AFTER_RELEASE',
          () => `${orderId}: a dispute settlement clawed back money released on ${o.completion.reason}`,
        );
      }
    }
  }
}
