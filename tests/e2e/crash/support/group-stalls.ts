import { Kafka, logLevel } from 'kafkajs';

/**
 * Watches consumer groups the way an operator's lag dashboard would: every `intervalMs` it reads each
 * group's committed offsets and the topics' end offsets; a group is stalled while it has lag and its
 * committed offsets do not move. `longest()` gives each group's longest stall (ms). Reading only:
 * it commits nothing and joins no group.
 */
export interface StallMonitor {
  longest(): Record<string, number>;
  /** The last sample's partitions with lag: `group topic/partition committed..end`. */
  lagging(): string;
  stop(): Promise<void>;
}

export const watchGroupStalls = async (o: { brokers: string; groups: Record<string, string[]>; intervalMs?: number }): Promise<StallMonitor> => {
  const kafka = new Kafka({ clientId: 'stall-monitor', brokers: o.brokers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 2 } });
  const admin = kafka.admin();
  await admin.connect();
  const longest: Record<string, number> = Object.fromEntries(Object.keys(o.groups).map((g) => [g, 0]));
  const since: Record<string, { committed: string; at: number } | undefined> = {};
  const behind: Record<string, string[]> = {};
  let running = true;

  const sample = async (group: string, topics: string[]) => {
    const committed = await admin.fetchOffsets({ groupId: group, topics });
    let lag = 0;
    const marks: string[] = [];
    const lagged: string[] = [];
    for (const t of committed) {
      const ends = new Map((await admin.fetchTopicOffsets(t.topic)).map((p) => [p.partition, Number(p.high)]));
      for (const p of t.partitions) {
        const at = Math.max(0, Number(p.offset));
        const end = ends.get(p.partition) ?? 0;
        lag += Math.max(0, end - at);
        marks.push(`${t.topic}/${p.partition}@${at}`);
        if (end > at) lagged.push(`${t.topic}/${p.partition} ${at}..${end}`);
      }
    }
    behind[group] = lagged;
    const now = Date.now();
    const mark = marks.join(',');
    const prev = since[group];
    if (lag === 0 || !prev || prev.committed !== mark) since[group] = lag === 0 ? undefined : { committed: mark, at: now };
    else longest[group] = Math.max(longest[group] ?? 0, now - prev.at);
  };

  const loop = (async () => {
    while (running) {
      for (const [group, topics] of Object.entries(o.groups)) {
        // A broker being down makes a sample fail: the next one measures on from the last good mark.
        await sample(group, topics).catch(() => undefined);
      }
      await new Promise((r) => setTimeout(r, o.intervalMs ?? 250));
    }
  })();

  return {
    longest: () => ({ ...longest }),
    lagging: () =>
      Object.entries(behind)
        .map(([g, parts]) => `${g}: ${parts.length ? parts.join(', ') : 'no lag'}`)
        .join('\n'),
    stop: async () => {
      running = false;
      await loop;
      await admin.disconnect();
    },
  };
};
