/**
 * Whether this process's consumer is consuming, as far as a request waiting for another service's
 * fact can tell (S3): it tells "not known" from "not consumed yet" by it. A restarted consumer rejoins
 * only once the dead member's session expired (kafkajs has no static membership); a member the
 * coordinator forgot rejoins without any event (kafkajs's UNKNOWN_MEMBER_ID path); a member stuck on
 * a dead coordinator stops fetching. Until it consumes again nothing arrives, however long one waits.
 */
export interface GroupMembership {
  /**
   * True when the consumer has held its partitions since `from` (no join, rebalance or stop since)
   * and showed a sign of life (a heartbeat answered, a fetch done) within the last `aliveWithinMs`.
   */
  consumedThroughout(from: number): boolean;
  /** The group was joined (partitions assigned): every join restarts the membership. */
  joined(): void;
  /** A rebalance began, or the member stopped or crashed. */
  left(): void;
  /** A heartbeat was answered or a fetch done. */
  alive(): void;
}

export const createGroupMembership = (o: { aliveWithinMs: number; now?: () => number }): GroupMembership => {
  const now = o.now ?? Date.now;
  let since: number | undefined;
  let lastAlive = Number.NEGATIVE_INFINITY;
  return {
    consumedThroughout: (from) => since !== undefined && since <= from && now() - lastAlive <= o.aliveWithinMs,
    joined: () => {
      since = now();
      lastAlive = since;
    },
    left: () => void (since = undefined),
    alive: () => void (lastAlive = now()),
  };
};
