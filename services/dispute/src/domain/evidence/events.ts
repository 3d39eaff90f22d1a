import { z } from 'zod';
import { Actor, defineEvent } from '@bp/contracts';
import type { DomainEvent } from '@bp/eventstore';

/**
 * D3: an uploaded evidence file, recorded in the service's log (stream `dispute-evidence-<id>`), so
 * the evidence metadata table is a read model like any other. The bytes live in the blob store under
 * their sha256; the original file name is not kept (untrusted, and may carry personal data).
 */
export const EvidenceUploadedData = z.object({
  evidenceId: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Sniffed from the bytes, never the declared type or the name. */
  contentType: z.string(),
  size: z.number().int().nonnegative(),
  uploadedBy: Actor,
  uploadedAt: z.iso.datetime(),
  /** The files sent together in one request (D3 limits apply per submission). */
  submissionId: z.string().min(1),
});
export type EvidenceUploadedData = z.infer<typeof EvidenceUploadedData>;

export const EvidenceUploaded = defineEvent({ type: 'EvidenceUploaded', version: 1, schema: EvidenceUploadedData, description: 'D3: evidence file stored.' });

export type EvidenceEvent = DomainEvent<'EvidenceUploaded', EvidenceUploadedData>;

export const evidenceStreamId = (evidenceId: string): string => `dispute-evidence-${evidenceId}`;
