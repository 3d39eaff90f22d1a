/** Wakes long-polling fetches when a partition they watch gets data (or its topic goes away). */
export class AppendNotifier {
  private readonly watchers = new Map<string, Set<() => void>>();

  private static key(topic: string, partition: number): string {
    return `${topic}\u0000${partition}`;
  }

  /** Registers `wake` on every listed partition; returns the unsubscribe function. */
  watch(partitions: Iterable<{ topic: string; partition: number }>, wake: () => void): () => void {
    const keys: string[] = [];
    for (const { topic, partition } of partitions) {
      const k = AppendNotifier.key(topic, partition);
      let set = this.watchers.get(k);
      if (!set) this.watchers.set(k, (set = new Set()));
      set.add(wake);
      keys.push(k);
    }
    return () => {
      for (const k of keys) {
        const set = this.watchers.get(k);
        set?.delete(wake);
        if (set?.size === 0) this.watchers.delete(k);
      }
    };
  }

  private readonly due = new Set<() => void>();

  /**
   * Wakes watchers after the current request has appended to all its partitions (a microtask
   * later), so one Produce touching 4 partitions answers a waiting Fetch once, with all 4.
   */
  appended(topic: string, partition: number): void {
    const set = this.watchers.get(AppendNotifier.key(topic, partition));
    if (!set) return;
    const first = this.due.size === 0;
    for (const wake of set) this.due.add(wake);
    if (first && this.due.size > 0) {
      queueMicrotask(() => {
        const wakes = [...this.due];
        this.due.clear();
        for (const wake of wakes) wake();
      });
    }
  }

  topicDeleted(topic: string): void {
    const prefix = `${topic}\u0000`;
    for (const [k, set] of [...this.watchers]) if (k.startsWith(prefix)) for (const wake of [...set]) wake();
  }
}
