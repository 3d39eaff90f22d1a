import { ErrorCode } from '../protocol/error-codes';

const INT32_MAX = 2147483647;
const REMEMBERED_BATCHES = 5; // Kafka keeps the last 5 batches per producer and partition

interface SentBatch {
  firstSeq: number;
  lastSeq: number;
  baseOffset: number;
}

interface ProducerPartitionState {
  epoch: number;
  nextSeq: number;
  recent: SentBatch[];
}

export type SequenceCheck = { kind: 'append' } | { kind: 'duplicate'; baseOffset: number } | { kind: 'error'; error: number };

const seqAdd = (seq: number, n: number): number => (seq + n) % (INT32_MAX + 1);

/** Per (producerId, partition) sequence tracking for idempotent producers (KIP-98). */
export class IdempotenceTracker {
  private readonly states = new Map<string, ProducerPartitionState>();

  private static key(pid: number, topic: string, partition: number): string {
    return `${pid}\u0000${topic}\u0000${partition}`;
  }

  check(pid: number, epoch: number, topic: string, partition: number, firstSeq: number, count: number): SequenceCheck {
    const s = this.states.get(IdempotenceTracker.key(pid, topic, partition));
    if (!s) return firstSeq === 0 ? { kind: 'append' } : { kind: 'error', error: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
    if (epoch < s.epoch) return { kind: 'error', error: ErrorCode.INVALID_PRODUCER_EPOCH };
    if (epoch > s.epoch) return firstSeq === 0 ? { kind: 'append' } : { kind: 'error', error: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
    const lastSeq = seqAdd(firstSeq, count - 1);
    const dup = s.recent.find((b) => b.firstSeq === firstSeq && b.lastSeq === lastSeq);
    if (dup) return { kind: 'duplicate', baseOffset: dup.baseOffset };
    if (firstSeq !== s.nextSeq) return { kind: 'error', error: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
    return { kind: 'append' };
  }

  /** Records an appended batch (also used while recovering logs). */
  appended(pid: number, epoch: number, topic: string, partition: number, firstSeq: number, count: number, baseOffset: number): void {
    const k = IdempotenceTracker.key(pid, topic, partition);
    let s = this.states.get(k);
    if (!s || epoch !== s.epoch) this.states.set(k, (s = { epoch, nextSeq: 0, recent: [] }));
    const lastSeq = seqAdd(firstSeq, count - 1);
    s.recent.push({ firstSeq, lastSeq, baseOffset });
    if (s.recent.length > REMEMBERED_BATCHES) s.recent.shift();
    s.nextSeq = seqAdd(lastSeq, 1);
  }

  forgetTopic(topic: string): void {
    for (const k of [...this.states.keys()]) if (k.split('\u0000')[1] === topic) this.states.delete(k);
  }
}
