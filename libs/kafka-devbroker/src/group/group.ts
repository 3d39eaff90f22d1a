export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface GroupProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinResult {
  error: number;
  generationId: number;
  protocolName: string;
  leader: string;
  memberId: string;
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export interface SyncResult {
  error: number;
  assignment: Buffer;
}

export interface Member {
  id: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: GroupProtocol[];
  assignment: Buffer;
  /** Set while the member's JoinGroup waits at the join barrier. */
  joinWaiter: ((r: JoinResult) => void) | null;
  /** Set while the member's SyncGroup waits for the leader's assignments. */
  syncWaiter: ((r: SyncResult) => void) | null;
  sessionTimer: NodeJS.Timeout | null;
}

/** One consumer group's membership state (the classic protocol's state machine lives in the coordinator). */
export class Group {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leader: string | null = null;
  readonly members = new Map<string, Member>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, valid until their session timeout. */
  readonly pending = new Map<string, NodeJS.Timeout>();
  rebalanceTimer: NodeJS.Timeout | null = null;
  syncTimer: NodeJS.Timeout | null = null;

  constructor(readonly id: string) {}

  metadataOf(m: Member): Buffer {
    const p = m.protocols.find((x) => x.name === this.protocolName) ?? m.protocols[0];
    return p?.metadata ?? Buffer.alloc(0);
  }

  /** Kafka's vote: among protocols every member supports, the one most members list first. */
  electProtocol(): string | null {
    const all = [...this.members.values()];
    const first = all[0];
    if (!first) return null;
    const common = first.protocols.map((p) => p.name).filter((n) => all.every((m) => m.protocols.some((p) => p.name === n)));
    if (common.length === 0) return null;
    const votes = new Map<string, number>();
    for (const m of all) {
      const choice = m.protocols.find((p) => common.includes(p.name))!.name;
      votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let best = common[0]!;
    for (const n of common) if ((votes.get(n) ?? 0) > (votes.get(best) ?? 0)) best = n;
    return best;
  }

  /** Whether a joining member's protocols are compatible with the current members'. */
  accepts(protocolType: string, protocols: GroupProtocol[]): boolean {
    if (this.members.size === 0) return true;
    if (this.protocolType !== protocolType) return false;
    return protocols.some((p) => [...this.members.values()].every((m) => m.protocols.some((q) => q.name === p.name)));
  }

  clearTimers(): void {
    if (this.rebalanceTimer) clearTimeout(this.rebalanceTimer);
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.rebalanceTimer = this.syncTimer = null;
    for (const t of this.pending.values()) clearTimeout(t);
    for (const m of this.members.values()) if (m.sessionTimer) clearTimeout(m.sessionTimer);
  }
}
