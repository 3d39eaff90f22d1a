import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger';
import { ErrorCode } from '../protocol/error-codes';
import { Group, type GroupProtocol, type JoinResult, type Member, type SyncResult } from './group';
import type { OffsetStore } from './offset-store';

export interface CoordinatorOptions {
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  logger: Logger;
  offsets: OffsetStore;
}

export interface JoinRequest {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: GroupProtocol[];
  clientId: string;
  clientHost: string;
  /** JoinGroup v4+ clients understand MEMBER_ID_REQUIRED. */
  requireKnownMemberId: boolean;
}

export interface GroupDescription {
  groupId: string;
  state: string;
  protocolType: string;
  protocolName: string;
  members: { memberId: string; groupInstanceId: string | null; clientId: string; clientHost: string; metadata: Buffer; assignment: Buffer }[];
}

const joinError = (error: number, memberId = ''): JoinResult => ({ error, generationId: -1, protocolName: '', leader: '', memberId, members: [] });

/**
 * Classic consumer-group coordinator (modelled on Kafka's GroupCoordinator and franz-go kfake):
 * join and sync barriers, rebalance and session timers, MEMBER_ID_REQUIRED.
 */
export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();

  constructor(private readonly o: CoordinatorOptions) {}

  join(req: JoinRequest): Promise<JoinResult> {
    if (!req.groupId) return Promise.resolve(joinError(ErrorCode.INVALID_GROUP_ID, req.memberId));
    if (req.sessionTimeoutMs < this.o.minSessionTimeoutMs || req.sessionTimeoutMs > this.o.maxSessionTimeoutMs) {
      return Promise.resolve(joinError(ErrorCode.INVALID_SESSION_TIMEOUT, req.memberId));
    }
    const g = this.groupFor(req.groupId);
    const existing = g.members.get(req.memberId);
    if (!existing && !g.accepts(req.protocolType, req.protocols)) return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId));

    if (req.memberId === '') {
      const id = `${req.clientId || 'member'}-${randomUUID()}`;
      if (req.requireKnownMemberId) {
        // The client rejoins at once with this id; forget it if it never does.
        g.pending.set(
          id,
          setTimeout(() => g.pending.delete(id), req.sessionTimeoutMs),
        );
        return Promise.resolve(joinError(ErrorCode.MEMBER_ID_REQUIRED, id));
      }
      return this.addMember(g, id, req);
    }
    const pendingTimer = g.pending.get(req.memberId);
    if (pendingTimer) {
      clearTimeout(pendingTimer);
      g.pending.delete(req.memberId);
      return this.addMember(g, req.memberId, req);
    }
    if (!existing) return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
    if (existing.protocolType !== req.protocolType || !g.accepts(req.protocolType, req.protocols)) {
      return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId));
    }

    const sameMetadata = this.sameProtocols(existing.protocols, req.protocols);
    existing.sessionTimeoutMs = req.sessionTimeoutMs;
    existing.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    if (g.state === 'CompletingRebalance' && sameMetadata) return Promise.resolve(this.joinResultFor(g, existing));
    if (g.state === 'Stable' && sameMetadata && g.leader !== existing.id) return Promise.resolve(this.joinResultFor(g, existing));

    existing.protocols = req.protocols;
    return new Promise((resolve) => {
      this.replaceJoinWaiter(existing, resolve);
      if (g.state !== 'PreparingRebalance') this.prepareRebalance(g, `member ${existing.id} rejoined`);
      this.maybeCompleteJoin(g);
    });
  }

  sync(groupId: string, generationId: number, memberId: string, assignments: { memberId: string; assignment: Buffer }[]): Promise<SyncResult> {
    const g = this.groups.get(groupId);
    const m = g?.members.get(memberId);
    if (!g || !m) return Promise.resolve({ error: ErrorCode.UNKNOWN_MEMBER_ID, assignment: Buffer.alloc(0) });
    if (generationId !== g.generationId) return Promise.resolve({ error: ErrorCode.ILLEGAL_GENERATION, assignment: Buffer.alloc(0) });
    if (g.state === 'PreparingRebalance') return Promise.resolve({ error: ErrorCode.REBALANCE_IN_PROGRESS, assignment: Buffer.alloc(0) });
    if (g.state === 'Stable') {
      this.touch(g, m);
      return Promise.resolve({ error: ErrorCode.NONE, assignment: m.assignment });
    }
    return new Promise((resolve) => {
      this.stopSession(m);
      m.syncWaiter?.({ error: ErrorCode.REBALANCE_IN_PROGRESS, assignment: Buffer.alloc(0) });
      m.syncWaiter = resolve;
      if (memberId !== g.leader) return;
      for (const member of g.members.values()) member.assignment = Buffer.alloc(0);
      for (const a of assignments) {
        const target = g.members.get(a.memberId);
        if (target) target.assignment = Buffer.from(a.assignment);
      }
      if (g.syncTimer) clearTimeout(g.syncTimer);
      g.syncTimer = null;
      g.state = 'Stable';
      this.o.logger.info({ group: g.id, generation: g.generationId, members: g.members.size }, 'group stable');
      for (const member of g.members.values()) {
        const w = member.syncWaiter;
        member.syncWaiter = null;
        if (w) {
          w({ error: ErrorCode.NONE, assignment: member.assignment });
          this.touch(g, member);
        }
      }
    });
  }

  heartbeat(groupId: string, generationId: number, memberId: string): number {
    const g = this.groups.get(groupId);
    const m = g?.members.get(memberId);
    if (!g || !m) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== g.generationId) return ErrorCode.ILLEGAL_GENERATION;
    this.touch(g, m);
    if (g.state === 'PreparingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    return ErrorCode.NONE;
  }

  /** LeaveGroup for each member id; returns one error code per id. */
  leave(groupId: string, memberIds: string[]): number[] {
    const g = this.groups.get(groupId);
    return memberIds.map((id) => {
      if (!g) return ErrorCode.UNKNOWN_MEMBER_ID;
      const pending = g.pending.get(id);
      if (pending) {
        clearTimeout(pending);
        g.pending.delete(id);
        return ErrorCode.NONE;
      }
      const m = g.members.get(id);
      if (!m) return ErrorCode.UNKNOWN_MEMBER_ID;
      this.removeMember(g, m, 'left the group');
      return ErrorCode.NONE;
    });
  }

  /** The error every partition of an OffsetCommit gets, or NONE to store (Kafka's check order). */
  commitCheck(groupId: string, generationId: number, memberId: string): number {
    let g = this.groups.get(groupId);
    if (!g) {
      if (generationId >= 0) return ErrorCode.ILLEGAL_GENERATION;
      g = this.groupFor(groupId); // a standalone/admin commit creates the group, Empty
    }
    if (generationId < 0 && g.state === 'Empty') return ErrorCode.NONE;
    if (g.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    const m = g.members.get(memberId);
    if (!m) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== g.generationId) return ErrorCode.ILLEGAL_GENERATION;
    this.touch(g, m);
    return ErrorCode.NONE;
  }

  describe(groupId: string): GroupDescription {
    const g = this.groups.get(groupId);
    if (!g) {
      const state = this.o.offsets.hasGroup(groupId) ? 'Empty' : 'Dead';
      return { groupId, state, protocolType: state === 'Empty' ? 'consumer' : '', protocolName: '', members: [] };
    }
    return {
      groupId,
      state: g.state,
      protocolType: g.protocolType ?? '',
      protocolName: g.state === 'Stable' || g.state === 'CompletingRebalance' ? (g.protocolName ?? '') : '',
      members: [...g.members.values()].map((m) => ({
        memberId: m.id,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: g.metadataOf(m),
        assignment: m.assignment,
      })),
    };
  }

  list(): { groupId: string; protocolType: string }[] {
    const ids = new Set([...this.groups.keys(), ...this.o.offsets.groupIds()]);
    return [...ids].map((groupId) => ({ groupId, protocolType: this.groups.get(groupId)?.protocolType ?? 'consumer' }));
  }

  deleteGroup(groupId: string): number {
    const g = this.groups.get(groupId);
    if (!g && !this.o.offsets.hasGroup(groupId)) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (g && g.members.size > 0) return ErrorCode.NON_EMPTY_GROUP;
    if (g) {
      g.clearTimers();
      this.groups.delete(groupId);
    }
    this.o.offsets.deleteGroup(groupId);
    return ErrorCode.NONE;
  }

  close(): void {
    for (const g of this.groups.values()) g.clearTimers();
    this.groups.clear();
  }

  private groupFor(id: string): Group {
    let g = this.groups.get(id);
    if (!g) this.groups.set(id, (g = new Group(id)));
    return g;
  }

  private addMember(g: Group, id: string, req: JoinRequest): Promise<JoinResult> {
    return new Promise((resolve) => {
      const m: Member = {
        id,
        groupInstanceId: req.groupInstanceId,
        clientId: req.clientId,
        clientHost: req.clientHost,
        sessionTimeoutMs: req.sessionTimeoutMs,
        rebalanceTimeoutMs: req.rebalanceTimeoutMs,
        protocolType: req.protocolType,
        protocols: req.protocols,
        assignment: Buffer.alloc(0),
        joinWaiter: resolve,
        syncWaiter: null,
        sessionTimer: null,
      };
      if (g.members.size === 0) g.protocolType = req.protocolType;
      g.members.set(id, m);
      if (g.state !== 'PreparingRebalance') this.prepareRebalance(g, `member ${id} joined`);
      this.maybeCompleteJoin(g);
    });
  }

  private replaceJoinWaiter(m: Member, resolve: (r: JoinResult) => void): void {
    this.stopSession(m);
    // A second JoinGroup from the same member supersedes the first (its connection is likely gone).
    m.joinWaiter?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, m.id));
    m.joinWaiter = resolve;
  }

  private prepareRebalance(g: Group, reason: string): void {
    if (g.state === 'CompletingRebalance') {
      if (g.syncTimer) clearTimeout(g.syncTimer);
      g.syncTimer = null;
      for (const m of g.members.values()) {
        const w = m.syncWaiter;
        m.syncWaiter = null;
        if (w) {
          w({ error: ErrorCode.REBALANCE_IN_PROGRESS, assignment: Buffer.alloc(0) });
          this.touch(g, m);
        }
      }
    }
    g.state = 'PreparingRebalance';
    this.o.logger.info({ group: g.id, reason }, 'preparing rebalance');
    if (g.rebalanceTimer) clearTimeout(g.rebalanceTimer);
    const timeout = Math.max(0, ...[...g.members.values()].map((m) => m.rebalanceTimeoutMs));
    g.rebalanceTimer = setTimeout(() => {
      g.rebalanceTimer = null;
      this.completeJoin(g);
    }, timeout);
  }

  private maybeCompleteJoin(g: Group): void {
    if (g.state !== 'PreparingRebalance') return;
    for (const m of g.members.values()) if (!m.joinWaiter) return;
    this.completeJoin(g);
  }

  /** Closes the join barrier: drops members that never rejoined, bumps the generation, answers everyone. */
  private completeJoin(g: Group): void {
    if (g.state !== 'PreparingRebalance') return;
    if (g.rebalanceTimer) clearTimeout(g.rebalanceTimer);
    g.rebalanceTimer = null;
    for (const m of [...g.members.values()]) {
      if (!m.joinWaiter) {
        if (m.sessionTimer) clearTimeout(m.sessionTimer);
        g.members.delete(m.id);
        this.o.logger.info({ group: g.id, member: m.id }, 'member did not rejoin in time');
      }
    }
    g.generationId++;
    if (g.members.size === 0) {
      this.becomeEmpty(g);
      return;
    }
    g.protocolName = g.electProtocol();
    if (g.protocolName === null) {
      // Unreachable while joins are checked with accepts(); fail the members rather than hang them.
      for (const m of [...g.members.values()]) this.removeMember(g, m, 'no common protocol');
      return;
    }
    if (!g.leader || !g.members.has(g.leader)) g.leader = g.members.keys().next().value ?? null;
    g.state = 'CompletingRebalance';
    this.o.logger.info({ group: g.id, generation: g.generationId, members: g.members.size, protocol: g.protocolName }, 'join complete');
    for (const m of g.members.values()) {
      const w = m.joinWaiter;
      m.joinWaiter = null;
      w?.(this.joinResultFor(g, m));
      this.touch(g, m);
    }
    const generation = g.generationId;
    const timeout = Math.max(0, ...[...g.members.values()].map((m) => m.rebalanceTimeoutMs));
    g.syncTimer = setTimeout(() => {
      g.syncTimer = null;
      if (g.state !== 'CompletingRebalance' || g.generationId !== generation) return;
      // The leader never sent assignments: drop whoever did not sync and start over.
      for (const m of [...g.members.values()]) if (!m.syncWaiter) this.removeMember(g, m, 'did not sync in time');
      if (g.state === 'CompletingRebalance') this.prepareRebalance(g, 'sync timeout');
    }, timeout);
  }

  private joinResultFor(g: Group, m: Member): JoinResult {
    const isLeader = g.leader === m.id;
    return {
      error: ErrorCode.NONE,
      generationId: g.generationId,
      protocolName: g.protocolName ?? '',
      leader: g.leader ?? '',
      memberId: m.id,
      members: isLeader ? [...g.members.values()].map((x) => ({ memberId: x.id, groupInstanceId: x.groupInstanceId, metadata: g.metadataOf(x) })) : [],
    };
  }

  private removeMember(g: Group, m: Member, reason: string): void {
    this.stopSession(m);
    g.members.delete(m.id);
    this.o.logger.info({ group: g.id, member: m.id, reason }, 'member removed');
    const jw = m.joinWaiter;
    const sw = m.syncWaiter;
    m.joinWaiter = m.syncWaiter = null;
    jw?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, m.id));
    sw?.({ error: ErrorCode.UNKNOWN_MEMBER_ID, assignment: Buffer.alloc(0) });
    if (g.leader === m.id) g.leader = null;
    if (g.members.size === 0) {
      if (g.state === 'PreparingRebalance') g.generationId++;
      this.becomeEmpty(g);
    } else if (g.state === 'Stable' || g.state === 'CompletingRebalance') this.prepareRebalance(g, `member ${m.id} ${reason}`);
    else this.maybeCompleteJoin(g);
  }

  private becomeEmpty(g: Group): void {
    if (g.rebalanceTimer) clearTimeout(g.rebalanceTimer);
    if (g.syncTimer) clearTimeout(g.syncTimer);
    g.rebalanceTimer = g.syncTimer = null;
    g.state = 'Empty';
    g.leader = null;
    g.protocolName = null;
    g.protocolType = null;
  }

  /** Restarts the member's session timer (any accepted Heartbeat, Join, Sync or Commit). */
  private touch(g: Group, m: Member): void {
    this.stopSession(m);
    m.sessionTimer = setTimeout(() => {
      m.sessionTimer = null;
      if (g.members.get(m.id) === m && !m.joinWaiter && !m.syncWaiter) this.removeMember(g, m, 'session timed out');
    }, m.sessionTimeoutMs);
  }

  private stopSession(m: Member): void {
    if (m.sessionTimer) clearTimeout(m.sessionTimer);
    m.sessionTimer = null;
  }

  private sameProtocols(a: GroupProtocol[], b: GroupProtocol[]): boolean {
    return a.length === b.length && a.every((p, i) => p.name === b[i]!.name && p.metadata.equals(b[i]!.metadata));
  }
}
