import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../log/atomic-file';

/** Hands out producer ids for InitProducerId; the counter survives restarts (producer-ids.json). */
export class ProducerIdAllocator {
  private next = 1000;
  private readonly file: string | null;

  constructor(dataDir: string | null) {
    this.file = dataDir ? join(dataDir, 'producer-ids.json') : null;
  }

  load(): void {
    if (this.file && existsSync(this.file)) this.next = Math.max(this.next, (JSON.parse(readFileSync(this.file, 'utf8')) as { next: number }).next);
  }

  /** Keeps the counter above ids found in recovered logs (in case producer-ids.json was lost). */
  observe(pid: number): void {
    if (pid >= this.next) this.next = pid + 1;
  }

  allocate(): number {
    const pid = this.next++;
    if (this.file) writeFileAtomic(this.file, JSON.stringify({ next: this.next }));
    return pid;
  }
}
