/**
 * Whether this process's consumer holds its partitions right now, and since when (S3). A request
 * that waits for a fact another service produced tells "not known" from "not consumed yet" by it:
 * a restarted consumer rejoins only once the dead member's session expired (kafkajs has no static
 * membership), and until then nothing arrives, however long the request waits.
 */
export interface GroupMembership {
  /**
   * When the group was last joined (Date.now()), or undefined while not a member (starting,
   * rebalancing, stopped). Every join restarts it: a join means the assignment (re)started.
   */
  since(): number | undefined;
  joined(): void;
  left(): void;
}

export const createGroupMembership = (): GroupMembership => {
  let since: number | undefined;
  return {
    since: () => since,
    joined: () => void (since = Date.now()),
    left: () => void (since = undefined),
  };
};
