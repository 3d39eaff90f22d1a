import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { DomainError, type Actor } from '@bp/contracts';
import { commandMetadata, type EventStore, type Projection } from '@bp/eventstore';
import { assertEvidenceIntact, assertEvidenceLimits, type EvidenceLimits, type EvidenceRef, type InspectLimits } from '../domain';
import { evidenceStreamId, type EvidenceEvent } from '../domain/evidence/events';
import type { BlobStore } from '../infra/blob-store';
import { parseEvidence } from '../infra/evidence/parse';
import { SNIFF_BYTES, sniffContentType } from '../infra/evidence/sniff';
import { findEvidence } from '../projections/evidence';

/** An upload read and checked, not stored yet. */
export interface EvidenceFile {
  bytes: Buffer;
  sha256: string;
  contentType: string;
  size: number;
}

/**
 * D3: reads one uploaded file, deciding its type from its first bytes (never the name or the
 * declared type) and refusing it as soon as it is over its type's limit, so an oversized upload is
 * never held in memory whole; a whole file is then parsed (infra/evidence) and its structure judged
 * by the domain (truncation, pixel bombs). A refused stream is drained so the connection stays usable.
 */
export const readEvidenceFile = async (stream: Readable, limits: EvidenceLimits & InspectLimits): Promise<EvidenceFile> => {
  const chunks: Buffer[] = [];
  const hash = createHash('sha256');
  let size = 0;
  let type: string | null = null;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      hash.update(chunk);
      size += chunk.length;
      if (type === null && size >= SNIFF_BYTES) type = sniffContentType(Buffer.concat(chunks)) ?? 'application/octet-stream';
      if (type !== null) assertEvidenceLimits([{ contentType: type, size }], limits);
    }
    if (type === null) type = sniffContentType(Buffer.concat(chunks)) ?? 'application/octet-stream';
    assertEvidenceLimits([{ contentType: type, size }], limits);
  } catch (e) {
    stream.resume();
    throw e;
  }
  const bytes = Buffer.concat(chunks);
  assertEvidenceIntact(parseEvidence(bytes, type), limits);
  return { bytes, sha256: hash.digest('hex'), contentType: type, size };
};

export type StoredEvidence = Omit<EvidenceRef, never>;

/**
 * Stores a submission: the bytes first (content-addressed, so a retry or a crash before the log
 * append leaves at most an unreferenced blob), then one EvidenceUploaded per file in one transaction.
 */
export const recordEvidence = async (
  o: { store: EventStore; blobs: BlobStore; projection: Projection },
  files: readonly EvidenceFile[],
  actor: Actor,
  now: string,
): Promise<StoredEvidence[]> => {
  for (const f of files) await o.blobs.put(f.sha256, f.bytes, f.contentType);
  const submissionId = randomUUID();
  const refs = files.map((f) => ({ evidenceId: randomUUID(), sha256: f.sha256, contentType: f.contentType, size: f.size }));
  await o.store.withTransaction(async (tx) => {
    const meta = commandMetadata(actor, now);
    for (const ref of refs) {
      const event: EvidenceEvent = { type: 'EvidenceUploaded', data: { ...ref, uploadedBy: actor, uploadedAt: now, submissionId } };
      for (const e of await o.store.appendToStream(tx, evidenceStreamId(ref.evidenceId), 0, [event], meta)) await o.projection.apply(tx, e);
    }
  });
  return refs;
};

/**
 * Turns the evidence ids a command cites into the stored metadata the decider checks (D3 limits,
 * D2 "needs an image"). Only the uploader's own evidence can be cited: an id someone else uploaded
 * is treated as unknown, so ids cannot be used to pull another user's files into a dispute.
 */
export const resolveEvidence = async (db: Parameters<typeof findEvidence>[0], schema: string, ids: readonly string[], actor: Actor): Promise<EvidenceRef[]> => {
  const unique = [...new Set(ids)];
  const rows = await findEvidence(db, schema, unique);
  const mine = new Map(rows.filter((r) => r.uploaderId === actor.id && r.uploaderRole === actor.role).map((r) => [r.evidenceId, r]));
  const missing = unique.filter((id) => !mine.has(id));
  if (missing.length > 0) throw new DomainError('EVIDENCE_NOT_FOUND', `unknown evidence: ${missing.join(', ')}`, 'unprocessable', { evidenceIds: missing });
  return unique.map((id) => {
    const r = mine.get(id)!;
    return { evidenceId: r.evidenceId, sha256: r.sha256, contentType: r.contentType, size: r.size };
  });
};
