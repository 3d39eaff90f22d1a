/**
 * Whether this process's consumer is consuming, as far as a request waiting for another service's
 * fact can tell (S3): it tells "not known" from "not consumed yet" by it. A restarted consumer rejoins
 * only once the dead member's session expired (kafkajs has no static membership); a member the
 * coordinator forgot rejoins without any event (kafkajs's UNKNOWN_MEMBER_ID path); a member stuck on
 * a dead coordinator stops fetching; a consumer starved of CPU under load falls behind the topic.
 * Until it consumes again, or catches up, the fact does not arrive, however long one waits.
 */
export interface GroupMembership {
  /**
   * True when the consumer has held its partitions since `from` (no join, rebalance or stop since)
   * and showed a sign of life (a heartbeat answered, a fetch done) within the last `aliveWithinMs`.
   */
  consumedThroughout(from: number): boolean;
  /**
   * Notes where the consumed topics end now; the check it returns, awaited later, tells whether the
   * group has committed past all of that since (group-wide: another instance may hold the partition).
   * False when the positions could not be read in time. True when none can be read (not attached).
   */
  backlogNow(): () => Promise<boolean>;
  /** Where backlogNow reads the group's positions: the runtime attaches its admin client once it has one. */
  readPositionsWith(read: GroupPositions): void;
  /** The group was joined (partitions assigned): every join restarts the membership. */
  joined(): void;
  /** A rebalance began, or the member stopped or crashed. */
  left(): void;
  /** A heartbeat was answered or a fetch done. */
  alive(): void;
}

/** One partition of a consumed topic: the group's committed offset (its start when none) and its end. */
export interface PartitionPosition {
  topic: string;
  partition: number;
  committed: number;
  end: number;
}

export type GroupPositions = () => Promise<PartitionPosition[]>;

/** Whether every partition's end in `before` has been committed past in `after`. */
export const consumedPast = (before: readonly PartitionPosition[], after: readonly PartitionPosition[]): boolean =>
  before.every((b) => {
    const a = after.find((p) => p.topic === b.topic && p.partition === b.partition);
    return a !== undefined && a.committed >= b.end;
  });

/** The broker's answer within `ms`, or undefined (a request waiting on it must answer soon). */
const within = async <T>(p: Promise<T>, ms: number): Promise<T | undefined> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([p.catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
};

export const createGroupMembership = (o: { aliveWithinMs: number; positionsWithinMs?: number; now?: () => number }): GroupMembership => {
  const now = o.now ?? Date.now;
  const positionsWithinMs = o.positionsWithinMs ?? 2000;
  let since: number | undefined;
  let lastAlive = Number.NEGATIVE_INFINITY;
  let positions: GroupPositions | undefined;
  return {
    consumedThroughout: (from) => since !== undefined && since <= from && now() - lastAlive <= o.aliveWithinMs,
    backlogNow: () => {
      const read = positions;
      if (!read) return async () => true;
      const before = within(read(), positionsWithinMs);
      return async () => {
        const ends = await before;
        const after = ends && (await within(read(), positionsWithinMs));
        return ends !== undefined && after !== undefined && consumedPast(ends, after);
      };
    },
    readPositionsWith: (read) => void (positions = read),
    joined: () => {
      since = now();
      lastAlive = since;
    },
    left: () => void (since = undefined),
    alive: () => void (lastAlive = now()),
  };
};
