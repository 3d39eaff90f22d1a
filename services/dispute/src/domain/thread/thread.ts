import { createHash } from 'node:crypto';
import type { Actor } from '@bp/contracts';

/**
 * D3: the dispute thread. Every message and evidence item is one entry, hash-chained:
 * hash = sha256(prevHash + canonicalJson(entry without hash)), so an edited row breaks the chain.
 * node:crypto's sha256 is deterministic, hence allowed in the pure domain.
 */
export const GENESIS_HASH = '0'.repeat(64);

export interface EvidenceRef {
  evidenceId: string;
  /** sha256 of the stored bytes (hex), computed when the file was uploaded. */
  sha256: string;
  /** Sniffed from the bytes (D3: by content, not by name). */
  contentType: string;
  size: number;
}

export type ThreadEntryKind = 'OPENING' | 'MESSAGE' | 'EVIDENCE' | 'PROPOSAL' | 'RULING' | 'RETURN' | 'APPEAL';

export interface ThreadEntryBody {
  seq: number;
  disputeId: string;
  kind: ThreadEntryKind;
  author: Actor;
  at: string;
  text: string | null;
  evidence: EvidenceRef[];
  prevHash: string;
}

export interface ThreadEntry extends ThreadEntryBody {
  hash: string;
}

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
};

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export const hashEntry = (body: ThreadEntryBody): string => sha256Hex(body.prevHash + canonicalJson(body));

/** The next entry of a thread, chained to its last entry. */
export const chainEntry = (thread: readonly ThreadEntry[], entry: Omit<ThreadEntryBody, 'seq' | 'prevHash'>): ThreadEntry => {
  const last = thread[thread.length - 1];
  const body: ThreadEntryBody = { ...entry, seq: thread.length + 1, prevHash: last ? last.hash : GENESIS_HASH };
  return { ...body, hash: hashEntry(body) };
};

export type ChainVerdict = { ok: true } | { ok: false; brokenAt: number; reason: 'hash' | 'link' | 'seq' };

/** Walks the chain; reports the first entry whose content, link or sequence does not hold. */
export const verifyChain = (entries: readonly ThreadEntry[]): ChainVerdict => {
  let prev = GENESIS_HASH;
  for (const [i, e] of entries.entries()) {
    if (e.seq !== i + 1) return { ok: false, brokenAt: i, reason: 'seq' };
    if (e.prevHash !== prev) return { ok: false, brokenAt: i, reason: 'link' };
    const { hash, ...body } = e;
    if (hashEntry(body) !== hash) return { ok: false, brokenAt: i, reason: 'hash' };
    prev = hash;
  }
  return { ok: true };
};
