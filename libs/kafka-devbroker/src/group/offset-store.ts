import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../log/atomic-file';

export interface CommittedOffset {
  offset: number;
  metadata: string | null;
}

/** One line of offsets.log; `o: null` is a tombstone. */
interface OffsetLine {
  g: string;
  t: string;
  p: number;
  o: number | null;
  m?: string | null;
}

const REWRITE_EVERY = 10_000; // lines appended before offsets.log is compacted

/**
 * Committed offsets per group, topic and partition. Negative offsets are stored verbatim
 * (admin.resetOffsets commits -2/-1). Persisted as JSON lines, last line wins.
 */
export class OffsetStore {
  private readonly groups = new Map<string, Map<string, Map<number, CommittedOffset>>>();
  private readonly file: string | null;
  private appendedSinceRewrite = 0;

  constructor(dataDir: string | null) {
    this.file = dataDir ? join(dataDir, 'offsets.log') : null;
  }

  load(): void {
    if (!this.file) return;
    mkdirSync(join(this.file, '..'), { recursive: true });
    if (!existsSync(this.file)) return;
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line) continue;
      let l: OffsetLine;
      try {
        l = JSON.parse(line) as OffsetLine;
      } catch {
        continue; // a torn last line
      }
      if (l.o === null) this.remove(l.g, l.t, l.p);
      else this.put(l.g, l.t, l.p, { offset: l.o, metadata: l.m ?? null });
    }
    this.rewrite();
  }

  commit(group: string, topic: string, partition: number, c: CommittedOffset): void {
    this.put(group, topic, partition, c);
    this.log({ g: group, t: topic, p: partition, o: c.offset, m: c.metadata });
  }

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(group)?.get(topic)?.get(partition);
  }

  /** Every committed (topic, partition) of a group. */
  list(group: string): { topic: string; partition: number; committed: CommittedOffset }[] {
    const out: { topic: string; partition: number; committed: CommittedOffset }[] = [];
    for (const [topic, parts] of this.groups.get(group) ?? []) for (const [partition, committed] of parts) out.push({ topic, partition, committed });
    return out;
  }

  hasGroup(group: string): boolean {
    return this.groups.has(group);
  }

  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  deleteGroup(group: string): void {
    for (const { topic, partition } of this.list(group)) this.log({ g: group, t: topic, p: partition, o: null });
    this.groups.delete(group);
  }

  deleteTopic(topic: string): void {
    for (const [g, topics] of this.groups) {
      for (const p of topics.get(topic)?.keys() ?? []) this.log({ g, t: topic, p, o: null });
      topics.delete(topic);
      if (topics.size === 0) this.groups.delete(g);
    }
  }

  private put(group: string, topic: string, partition: number, c: CommittedOffset): void {
    let g = this.groups.get(group);
    if (!g) this.groups.set(group, (g = new Map()));
    let t = g.get(topic);
    if (!t) g.set(topic, (t = new Map()));
    t.set(partition, c);
  }

  private remove(group: string, topic: string, partition: number): void {
    const g = this.groups.get(group);
    g?.get(topic)?.delete(partition);
    if (g?.get(topic)?.size === 0) g.delete(topic);
    if (g?.size === 0) this.groups.delete(group);
  }

  private log(l: OffsetLine): void {
    if (!this.file) return;
    appendFileSync(this.file, `${JSON.stringify(l)}\n`);
    if (++this.appendedSinceRewrite >= REWRITE_EVERY) this.rewrite();
  }

  private rewrite(): void {
    if (!this.file) return;
    const lines: string[] = [];
    for (const g of this.groupIds())
      for (const { topic, partition, committed } of this.list(g))
        lines.push(JSON.stringify({ g, t: topic, p: partition, o: committed.offset, m: committed.metadata }));
    writeFileAtomic(this.file, lines.map((l) => `${l}\n`).join(''));
    this.appendedSinceRewrite = 0;
  }
}
