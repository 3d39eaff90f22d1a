// The whole system in one process for deterministic simulation (issue 17): the order, escrow and
// dispute services' REAL deciders, deadlines(state), sagas and consumer mappings, wired the way each
// service's application layer wires them (load -> decide -> append + saga + timers + outbox in one
// transaction), over in-memory logs, topics with per-key partitions, consumer groups with committed
// offsets and inboxes, and timer tables. Nothing here decides a business rule: every rule is the
// services' exported domain code. What is simulated is only the infrastructure and its faults.
import { DomainError, isDomainError, publicEvents, sagaStep, systemActor, type Actor, type BuyerLevelChangedData } from '@bp/contracts';
import type { Deadline } from '@bp/timers';
import { deadlines as orderDeadlines, orderDecider, type OrderCommand, type OrderEvent, type OrderState } from '../../services/order/src/domain/order';
import { orderFromDisputes } from '../../services/order/src/domain/sagas/order-from-disputes';
import { orderFromEscrow } from '../../services/order/src/domain/sagas/order-from-escrow';
import {
  buyerLevelDecider,
  deadlines as disputeDeadlines,
  disputeDecider,
  disputeFactsOf,
  orderFactsCommandsFor,
  orderFactsDecider,
  type BuyerLevel,
  type BuyerLevelState,
  type DisputeCommand,
  type DisputeEvent,
  type DisputeState,
  type OrderFactsCommand,
  type OrderFactsState,
} from '../../services/dispute/src/domain';
import { deadlines as escrowDeadlines, escrowDecider, type EscrowCommand, type EscrowState } from '../../services/escrow/src/domain';
import { WAITS_FOR } from '../../services/escrow/src/app/parking';
import { escrowFromDisputes } from '../../services/escrow/src/domain/sagas/escrow-from-disputes';
import { escrowFromOrders } from '../../services/escrow/src/domain/sagas/escrow-from-orders';
import { buyerLevelFromBuyers } from '../../services/dispute/src/domain/sagas/buyer-level-from-buyers';
import { orderFactsFromOrders } from '../../services/dispute/src/domain/sagas/order-facts-from-orders';

export type Service = 'order' | 'escrow' | 'dispute';
type Ev = { type: string; data: unknown };
type AnyDecider = { decide: (c: never, s: never) => Ev[]; evolve: (s: never, e: never) => unknown; initialState: unknown };

export interface Message {
  id: string;
  topic: string;
  key: string;
  type: string;
  data: Record<string, unknown>;
  time: string;
  /** ce_source: the producing service. */
  source: string;
}

/** Switches that put an old behaviour back, to show the simulator finds each bug (regression tests). */
export interface OldBehaviour {
  /** Issue 17: the order completed on its own clock at protection end (no handshake). */
  autoConfirmWithoutHandshake?: boolean;
  /** Issue 17: the order ignored appeals of a resend-resolved dispute; the dispute service freed the order. */
  appealIgnoredByOrder?: boolean;
  /** Issue 17, D8: an agent could rule while the evidence window was open. */
  ruleDuringEvidenceWindow?: boolean;
  /** Issue 17, R6: the fast refund used the buyer's level at shipping time, not at opening. */
  fastRefundAtCurrentLevel?: boolean;
  /** Found by this simulation, R6/D7: a buyer could withdraw a dispute after its fast refund was paid. */
  withdrawAfterFastRefund?: boolean;
  /** Found by this simulation, R6/D9: an agent could rule a resend (or extension) after a fast refund was paid. */
  resendAfterFastRefund?: boolean;
  /** Found by this simulation, R5/R7: a settlement of a dispute released before (an appeal after a resend)
   *  was not recorded on the order, an appeal reopened nothing after a protection end that had waited for it,
   *  and an earlier dispute could be appealed after a later one was opened. */
  earlierDisputeSettlesAgain?: boolean;
}

export interface Observer {
  /** Every committed batch of events, with the stream's state before and after. */
  committed(service: Service, streamId: string, events: Ev[], before: unknown, after: unknown, cause: string): void;
  violation(rule: string, detail: string): void;
}

interface Group {
  name: Service;
  topics: string[];
  committed: Map<string, number>;
  position: Map<string, number>;
  inbox: Set<string>;
  paused: boolean;
  /** Partitions this group lags on (assigned to a slow instance, or behind a long batch). */
  lagging: Set<string>;
}

interface Timer {
  service: Service;
  streamId: string;
  kind: string;
  dueAt: string;
}

class Retry extends Error {}

const PUBLIC = new Map(publicEvents.map((d) => [d.type, d]));
const SERVICE_TOPIC: Record<Service, string> = { order: 'orders.v1', escrow: 'escrow.v1', dispute: 'disputes.v1' };
const DEADLINES: Record<Service, (s: never) => Deadline[]> = {
  order: orderDeadlines as (s: never) => Deadline[],
  escrow: escrowDeadlines as (s: never) => Deadline[],
  dispute: disputeDeadlines as (s: never) => Deadline[],
};

/** One transaction: appends in order, committed together or not at all. */
interface Tx {
  appends: { service: Service; streamId: string; decider: AnyDecider; events: Ev[]; before: unknown; after: unknown }[];
  cause: string;
}

export class SimSystem {
  now: string;
  private seq = 0;
  readonly logs = new Map<string, Ev[]>(); // `${service}|${streamId}`
  readonly topics = new Map<string, Message[]>(); // `${topic}|${key}` -> partition
  readonly groups: Group[];
  readonly timers = new Map<string, Timer>(); // `${service}|${streamId}|${kind}|${dueAt}`
  /** Timer rows a scheduler had already picked up when the state moved on (they fire late and must do nothing). */
  readonly ghosts: Timer[] = [];
  private readonly parked = new Map<string, { command: EscrowCommand; waitingFor: string }[]>();
  readonly counters = { commands: 0, refusals: 0, deliveries: 0, redeliveries: 0, timerFires: 0, staleFires: 0, retries: 0, parked: 0 };

  constructor(
    start: string,
    private readonly observer: Observer,
    readonly old: OldBehaviour = {},
  ) {
    this.now = start;
    this.groups = [
      { name: 'order', topics: ['escrow.v1', 'disputes.v1'], committed: new Map(), position: new Map(), inbox: new Set(), paused: false, lagging: new Set() },
      { name: 'escrow', topics: ['orders.v1', 'disputes.v1'], committed: new Map(), position: new Map(), inbox: new Set(), paused: false, lagging: new Set() },
      { name: 'dispute', topics: ['orders.v1'], committed: new Map(), position: new Map(), inbox: new Set(), paused: false, lagging: new Set() },
    ];
  }

  // ---- streams ----

  events(service: Service, streamId: string): Ev[] {
    return this.logs.get(`${service}|${streamId}`) ?? [];
  }
  /** The stream's state: committed (cached, as a service's aggregate cache would) plus the tx's own appends. */
  state<S>(service: Service, streamId: string, decider: AnyDecider, tx?: Tx): S {
    const key = `${service}|${streamId}`;
    if (!this.cache.has(key))
      this.cache.set(
        key,
        this.events(service, streamId).reduce((s, e) => decider.evolve(s as never, e as never), decider.initialState),
      );
    const pending = tx?.appends.filter((a) => a.service === service && a.streamId === streamId) ?? [];
    return (pending.length ? pending[pending.length - 1]!.after : this.cache.get(key)) as S;
  }
  private readonly cache = new Map<string, unknown>();
  order(orderId: string): OrderState {
    return this.state('order', orderId, orderDecider as unknown as AnyDecider);
  }
  escrow(orderId: string): EscrowState {
    return this.state('escrow', orderId, escrowDecider as unknown as AnyDecider);
  }
  dispute(disputeId: string): DisputeState {
    return this.state('dispute', `dispute-${disputeId}`, disputeDecider as unknown as AnyDecider);
  }
  orderFacts(orderId: string): OrderFactsState {
    return this.state('dispute', `facts-${orderId}`, orderFactsDecider as unknown as AnyDecider);
  }
  buyerLevel(buyerId: string): BuyerLevel {
    return this.state<BuyerLevelState>('dispute', `level-${buyerId}`, buyerLevelDecider as unknown as AnyDecider).level;
  }

  private run(tx: Tx, service: Service, streamId: string, decider: AnyDecider, command: unknown): Ev[] {
    const before = this.state(service, streamId, decider, tx);
    const events = decider.decide(command as never, before as never);
    if (events.length === 0) return events;
    const after = events.reduce((s, e) => decider.evolve(s as never, e as never), before);
    tx.appends.push({ service, streamId, decider, events, before, after });
    return events;
  }

  private transaction<T>(cause: string, body: (tx: Tx) => T): T {
    const tx: Tx = { appends: [], cause };
    const result = body(tx);
    for (const a of tx.appends) {
      const key = `${a.service}|${a.streamId}`;
      this.logs.set(key, [...this.events(a.service, a.streamId), ...a.events]);
      this.cache.set(key, a.after);
      for (const e of a.events) this.publish(a.service, e);
      this.syncTimers(a.service, a.streamId, a.after);
      this.observer.committed(a.service, a.streamId, a.events, a.before, a.after, tx.cause);
    }
    return result;
  }

  /** The outbox relay: a logged type registered with this service's topic is published, key = orderId. */
  private publish(service: Service, e: Ev): void {
    const def = PUBLIC.get(e.type);
    if (!def?.topic || def.topic !== SERVICE_TOPIC[service] || !def.key) return;
    const key = def.key(e.data as never);
    const part = `${def.topic}|${key}`;
    this.topics.set(part, [
      ...(this.topics.get(part) ?? []),
      {
        id: `${service}-${++this.seq}`,
        topic: def.topic,
        key,
        type: e.type,
        data: e.data as Record<string, unknown>,
        time: this.now,
        source: `/services/${service}`,
      },
    ]);
  }

  /** deadlines(state) is the timer table of the stream (conventions); rows dropped may linger as ghosts. */
  private syncTimers(service: Service, streamId: string, state: unknown): void {
    const prefix = `${service}|${streamId}|`;
    const want = new Map(DEADLINES[service](state as never).map((d) => [`${prefix}${d.kind}|${d.dueAt}`, { service, streamId, kind: d.kind, dueAt: d.dueAt }]));
    for (const [k, t] of [...this.timers]) {
      if (!k.startsWith(prefix) || want.has(k)) continue;
      this.timers.delete(k);
      if (this.seq % 3 === 0) this.ghosts.push(t); // picked up by a scheduler just before the state moved on
    }
    for (const [k, t] of want) if (!this.timers.has(k)) this.timers.set(k, t);
  }

  // ---- commands (HTTP and providers) ----

  /** A caller's command to a service; a DomainError is the caller's answer (4xx), nothing changes. */
  command(service: Service, label: string, body: (tx: Tx) => unknown): boolean {
    this.counters.commands += 1;
    try {
      this.transaction(label, body);
      return true;
    } catch (e) {
      if (!isDomainError(e)) this.observer.violation('UNEXPECTED_ERROR', `${service} ${label}: ${(e as Error).stack ?? e}`);
      this.counters.refusals += 1;
      return false;
    }
  }

  orderCommand(command: OrderCommand): boolean {
    return this.command('order', command.type, (tx) => this.runOrder(tx, command));
  }
  private runOrder(tx: Tx, command: OrderCommand): Ev[] {
    const orderId = (command.data as { orderId: string }).orderId;
    return this.run(tx, 'order', orderId, this.orderDecider(), command);
  }

  /** The order decider, or (a regression switch) the old one that completed at protection end by itself. */
  private orderDecider(): AnyDecider {
    if (!this.old.autoConfirmWithoutHandshake) return orderDecider as unknown as AnyDecider;
    const decide = (c: OrderCommand, s: OrderState): OrderEvent[] =>
      orderDecider.decide(c, s).map((e) =>
        e.type === 'ProtectionEnded' && s.status !== 'initial'
          ? {
              type: 'OrderCompleted',
              data: {
                orderId: s.order.orderId,
                buyerId: s.order.buyerId,
                sellerId: s.order.sellerId,
                amount: 'payment' in s && s.payment ? s.payment.amount : s.order.total,
                completedAt: e.data.endedAt,
                reason: 'AUTO_CONFIRMED',
              },
            }
          : e,
      );
    return { ...(orderDecider as unknown as AnyDecider), decide: decide as AnyDecider['decide'] };
  }

  escrowCommand(command: EscrowCommand): boolean {
    return this.command('escrow', command.type, (tx) => this.runEscrow(tx, command, (command.data as { orderId: string }).orderId));
  }
  private runEscrow(tx: Tx, command: EscrowCommand, orderId: string): Ev[] {
    const events = this.run(tx, 'escrow', orderId, escrowDecider as unknown as AnyDecider, command);
    // parking (escrow app/parking.ts): the fact that ends a wait re-drives what waited for it
    const facts = new Set(events.map((e) => e.type));
    const waiting = this.parked.get(orderId) ?? [];
    const ready = waiting.filter((p) => facts.has(p.waitingFor));
    if (ready.length) {
      this.parked.set(
        orderId,
        waiting.filter((p) => !facts.has(p.waitingFor)),
      );
      for (const p of ready) this.executeOrPark(tx, p.command, orderId); // app/escrow-app: a parked command keeps its own meta
    }
    return events;
  }
  private executeOrPark(tx: Tx, command: EscrowCommand, orderId: string): void {
    try {
      this.runEscrow(tx, command, orderId);
    } catch (e) {
      const waitingFor = isDomainError(e) ? WAITS_FOR[e.code as keyof typeof WAITS_FOR] : undefined;
      if (!waitingFor) throw e;
      this.counters.parked += 1;
      this.parked.set(orderId, [...(this.parked.get(orderId) ?? []), { command, waitingFor }]);
    }
  }

  /** D1, D2 opening as app/open-dispute.ts wires it: order facts + level -> decide -> reserve, one tx. */
  openDispute(disputeId: string, buyer: Actor, data: Omit<Extract<DisputeCommand, { type: 'OpenDispute' }>['data'], 'order' | 'disputeId'>): boolean {
    return this.command('dispute', 'OpenDispute', (tx) => {
      const facts = disputeFactsOf(
        this.state<OrderFactsState>('dispute', `facts-${data.orderId}`, orderFactsDecider as unknown as AnyDecider, tx),
        this.buyerLevel(buyer.id),
        ['A4'],
      );
      if (!facts) throw new DomainError('ORDER_NOT_FOUND', 'no such order', 'not_found');
      const events = this.runDispute(tx, disputeId, {
        type: 'OpenDispute',
        data: { ...data, disputeId, order: facts },
        meta: { now: this.now, actor: buyer },
      } as DisputeCommand);
      if (events.length) this.runFacts(tx, { type: 'ReserveDispute', data: { orderId: data.orderId, disputeId }, meta: { now: this.now } });
    });
  }
  disputeCommand(disputeId: string, command: DisputeCommand): boolean {
    return this.command('dispute', command.type, (tx) => this.runDispute(tx, disputeId, command));
  }
  /** The dispute stream, with app/handlers.ts's saga hook (order facts commands) in the same tx. */
  private runDispute(tx: Tx, disputeId: string, command: DisputeCommand): Ev[] {
    const streamId = `dispute-${disputeId}`;
    const decider = this.disputeDecider();
    const events = this.run(tx, 'dispute', streamId, decider, command) as DisputeEvent[];
    for (const e of events) {
      for (const c of orderFactsCommandsFor(e, this.now)) {
        if (this.old.appealIgnoredByOrder && (c.type === 'ReopenDisputeForAppeal' || c.type === 'CloseAppealReopening')) continue;
        this.runFacts(tx, c);
      }
    }
    return events;
  }
  /** The dispute decider, or (regression switches) old behaviours put back by changing what it sees. */
  private disputeDecider(): AnyDecider {
    const { ruleDuringEvidenceWindow, fastRefundAtCurrentLevel, withdrawAfterFastRefund, resendAfterFastRefund } = this.old;
    if (!ruleDuringEvidenceWindow && !fastRefundAtCurrentLevel && !withdrawAfterFastRefund && !resendAfterFastRefund)
      return disputeDecider as unknown as AnyDecider;
    const keepsMoneyHeld = (s: DisputeState & { proposals: { proposalId: string; type: string }[] }, c: DisputeCommand) =>
      c.type === 'Rule' &&
      'proposalId' in c.data &&
      ['RESEND', 'EXTEND_PROTECTION'].includes(s.proposals.find((p) => p.proposalId === (c.data as { proposalId: string }).proposalId)?.type ?? '');
    const decide = (c: DisputeCommand, s: DisputeState): DisputeEvent[] => {
      if (s.status === 'none') return disputeDecider.decide(c, s);
      if (ruleDuringEvidenceWindow && c.type === 'Rule' && s.escalation)
        return disputeDecider.decide(c, { ...s, escalation: { ...s.escalation, evidenceDueAt: c.meta.now } });
      if (fastRefundAtCurrentLevel && c.type === 'ShipReturn') return disputeDecider.decide(c, { ...s, buyerLevel: this.buyerLevel(s.buyerId) });
      if (withdrawAfterFastRefund && c.type === 'Withdraw') return disputeDecider.decide(c, { ...s, fastRefunded: { ...s.fastRefunded, amount: 0 } });
      if (resendAfterFastRefund && keepsMoneyHeld(s, c)) return disputeDecider.decide(c, { ...s, fastRefunded: { ...s.fastRefunded, amount: 0 } });
      return disputeDecider.decide(c, s);
    };
    return { ...(disputeDecider as unknown as AnyDecider), decide: decide as AnyDecider['decide'] };
  }
  private runFacts(tx: Tx, command: OrderFactsCommand): Ev[] {
    return this.run(tx, 'dispute', `facts-${command.data.orderId}`, this.factsDecider(), command);
  }
  /** The order-facts decider, or (regression switch) the old one: what it sees is changed back. */
  private factsDecider(): AnyDecider {
    if (!this.old.earlierDisputeSettlesAgain) return orderFactsDecider as unknown as AnyDecider;
    const decide = (c: OrderFactsCommand, s: OrderFactsState): Ev[] => {
      if (s.status === 'unknown') return orderFactsDecider.decide(c, s);
      if (c.type === 'ReleaseDispute' && s.openDisputeId !== c.data.disputeId) return [];
      if (c.type === 'ReopenDisputeForAppeal') return orderFactsDecider.decide(c, { ...s, latestDisputeId: null, heldAtProtectionEnd: false });
      return orderFactsDecider.decide(c, s);
    };
    return { ...(orderFactsDecider as unknown as AnyDecider), decide: decide as AnyDecider['decide'] };
  }
  /** buyers.v1 as the dispute service records it (O12). */
  recordBuyerLevel(buyerId: string, level: BuyerLevel): boolean {
    return this.command('dispute', 'RecordBuyerLevel', (tx) =>
      this.run(
        tx,
        'dispute',
        `level-${buyerId}`,
        buyerLevelDecider as unknown as AnyDecider,
        buyerLevelFromBuyers.BuyerLevelChanged({
          id: `level-${buyerId}-${this.now}`,
          type: 'BuyerLevelChanged',
          data: { buyerId, level, changedAt: this.now } as BuyerLevelChangedData,
          time: this.now,
          source: '/services/order',
        }),
      ),
    );
  }

  // ---- consumers ----

  pending(): { group: Group; part: string }[] {
    const out: { group: Group; part: string }[] = [];
    for (const g of this.groups) {
      for (const [part, msgs] of this.topics) {
        if (!g.topics.includes(part.split('|')[0]!)) continue;
        if ((g.position.get(part) ?? g.committed.get(part) ?? 0) < msgs.length) out.push({ group: g, part });
      }
    }
    return out;
  }

  /** Delivers the next message of one partition to one group (per-key order is never broken). */
  deliver(group: Group, part: string, commit: boolean): void {
    const pos = group.position.get(part) ?? group.committed.get(part) ?? 0;
    const msg = this.topics.get(part)![pos]!;
    this.counters.deliveries += 1;
    if (group.inbox.has(msg.id)) {
      this.counters.redeliveries += 1; // the inbox made it a no-op (recorded in the effect's tx)
    } else {
      try {
        this.transaction(`${group.name}<-${msg.type}`, (tx) => {
          this.consume(group.name, tx, msg);
          group.inbox.add(msg.id);
        });
      } catch (e) {
        if (e instanceof Retry) {
          this.counters.retries += 1;
          return; // not yet applicable: the consumer retries later (offset not advanced)
        }
        // a dead letter: a fact the service could not apply is an inconsistency between services
        this.observer.violation('DEAD_LETTER', `${group.name} <- ${msg.type} ${JSON.stringify(msg.data)}: ${(e as Error).message}`);
        group.inbox.add(msg.id);
      }
    }
    group.position.set(part, pos + 1);
    if (commit) group.committed.set(part, pos + 1);
  }

  /** A restart: in-memory positions are lost; consumption resumes at the committed offsets. */
  restart(group: Group): void {
    group.position = new Map(group.committed);
  }

  /** The relay published a message twice (crash between send and checkpoint): same ce_id. */
  duplicate(part: string, index: number): void {
    const msgs = this.topics.get(part)!;
    this.topics.set(part, [...msgs, msgs[index]!]);
  }

  private consume(service: Service, tx: Tx, msg: Message): void {
    if (service === 'order') {
      if (this.old.appealIgnoredByOrder && (msg.type === 'AppealFiled' || msg.type === 'AppealDecided')) return;
      const c = sagaStep<OrderCommand>(msg.topic === 'escrow.v1' ? orderFromEscrow : orderFromDisputes, msg);
      if (!c) return;
      try {
        this.runOrder(tx, c);
      } catch (e) {
        // consumers/issue.ts: ORDER_NOT_FOUND is retried; a conflict means the order moved on (ignored)
        if (isDomainError(e) && e.code === 'ORDER_NOT_FOUND') throw new Retry();
        if (isDomainError(e) && e.kind === 'conflict') return;
        throw e;
      }
    } else if (service === 'escrow') {
      const c = sagaStep<EscrowCommand>(msg.topic === 'orders.v1' ? escrowFromOrders : escrowFromDisputes, msg);
      if (c) this.executeOrPark(tx, c, (c.data as { orderId: string }).orderId);
    } else {
      const c = sagaStep<OrderFactsCommand>(orderFactsFromOrders, msg);
      if (!c) return;
      try {
        this.runFacts(tx, c);
      } catch (e) {
        if (isDomainError(e) && e.code === 'ORDER_UNKNOWN') throw new Retry();
        throw e;
      }
    }
  }

  // ---- timers ----

  due(): Timer[] {
    const now = Date.parse(this.now);
    return [...this.timers.values(), ...this.ghosts].filter((t) => Date.parse(t.dueAt) <= now);
  }

  /** The scheduler fires one due row: FireDeadline on its stream, then the row is gone. */
  fire(t: Timer): Ev[] {
    this.timers.delete(`${t.service}|${t.streamId}|${t.kind}|${t.dueAt}`);
    const ghost = this.ghosts.indexOf(t);
    if (ghost >= 0) this.ghosts.splice(ghost, 1);
    this.counters.timerFires += 1;
    const meta = { now: this.now, actor: systemActor('scheduler') };
    let events: Ev[] = [];
    const ok = this.command(t.service, `FireDeadline ${t.kind} ${t.dueAt} ${t.streamId}`, (tx) => {
      if (t.service === 'order') events = this.runOrder(tx, { type: 'FireDeadline', data: { orderId: t.streamId, kind: t.kind, dueAt: t.dueAt }, meta });
      else if (t.service === 'escrow')
        events = this.runEscrow(tx, { type: 'FireDeadline', data: { kind: t.kind, dueAt: t.dueAt }, meta } as EscrowCommand, t.streamId);
      else
        events = this.runDispute(tx, t.streamId.slice('dispute-'.length), {
          type: 'FireDeadline',
          data: { kind: t.kind, dueAt: t.dueAt },
          meta,
        } as DisputeCommand);
    });
    if (ok && events.length === 0) this.counters.staleFires += 1;
    return events;
  }
}
