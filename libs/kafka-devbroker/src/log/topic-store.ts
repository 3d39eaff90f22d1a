import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../logger';
import type { BatchHeader } from '../protocol/record-batch';
import { writeFileAtomic } from './atomic-file';
import { PartitionLog, type StoredBatch } from './partition-log';

export interface Topic {
  name: string;
  partitions: PartitionLog[];
}

export interface TopicStoreOptions {
  dataDir: string | null;
  fsync: 'never' | 'always';
  logger: Logger;
  /** Called for every batch recovered from disk (rebuilds idempotent-producer state). */
  onRecoveredBatch?: (log: PartitionLog, b: StoredBatch, h: BatchHeader) => void;
}

const LEGAL_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
export const isLegalTopicName = (name: string): boolean => LEGAL_NAME.test(name) && name !== '.' && name !== '..';

/** Topics and their partition logs; the topic list is persisted as topics.json. */
export class TopicStore {
  private readonly topics = new Map<string, Topic>();

  constructor(private readonly options: TopicStoreOptions) {}

  load(): void {
    const { dataDir } = this.options;
    if (!dataDir) return;
    mkdirSync(dataDir, { recursive: true });
    const file = join(dataDir, 'topics.json');
    if (!existsSync(file)) return;
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { topics: { name: string; partitions: number }[] };
    for (const t of saved.topics) this.open(t.name, t.partitions);
  }

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  partition(name: string, partition: number): PartitionLog | undefined {
    return this.topics.get(name)?.partitions[partition];
  }

  all(): Topic[] {
    return [...this.topics.values()];
  }

  create(name: string, partitions: number): Topic {
    const t = this.open(name, partitions);
    this.save();
    return t;
  }

  delete(name: string): boolean {
    const t = this.topics.get(name);
    if (!t) return false;
    this.topics.delete(name);
    for (const p of t.partitions) {
      p.close();
      const dir = this.dirOf(name, p.partition);
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
    this.save();
    return true;
  }

  close(): void {
    for (const t of this.topics.values()) for (const p of t.partitions) p.close();
  }

  private open(name: string, count: number): Topic {
    const t: Topic = { name, partitions: [] };
    for (let i = 0; i < count; i++) {
      const log = new PartitionLog(name, i, { dir: this.dirOf(name, i), fsync: this.options.fsync, logger: this.options.logger });
      log.open((b, h) => this.options.onRecoveredBatch?.(log, b, h));
      t.partitions.push(log);
    }
    this.topics.set(name, t);
    return t;
  }

  private dirOf(name: string, partition: number): string | null {
    return this.options.dataDir ? join(this.options.dataDir, `${name}-${partition}`) : null;
  }

  private save(): void {
    const { dataDir } = this.options;
    if (!dataDir) return;
    const topics = this.all().map((t) => ({ name: t.name, partitions: t.partitions.length }));
    writeFileAtomic(join(dataDir, 'topics.json'), JSON.stringify({ topics }, null, 1));
  }
}
