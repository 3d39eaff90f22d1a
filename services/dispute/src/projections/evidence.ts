import type { EventEnvelope } from '@bp/contracts';
import { insertJsonRows, pageBatch, type Projection } from '@bp/eventstore';
import type { Pool, PoolClient } from 'pg';
import type { EvidenceUploadedData } from '../domain/evidence/events';
import { table } from './sql';
import { migrateDisputeTables } from '../migrations';

/** D3: evidence metadata (who uploaded what, when), looked up when a command cites evidence ids. */
export const EVIDENCE_TABLE = 'evidence';

export interface EvidenceRow {
  evidenceId: string;
  sha256: string;
  contentType: string;
  size: number;
  uploaderId: string;
  uploaderRole: string;
  uploadedAt: string;
}

export const evidenceProjection = (schema: string): Projection => {
  const t = table(schema, EVIDENCE_TABLE);
  return {
    name: 'evidence',
    handles: ['EvidenceUploaded'],
    // The tables are the service's versioned migrations (../migrations), run whole.
    migrate: (db) => migrateDisputeTables(db, schema),
    async apply(tx: PoolClient, event: EventEnvelope) {
      const d = event.data as EvidenceUploadedData;
      await tx.query(
        `INSERT INTO ${t} (evidence_id, sha256, content_type, size, uploader_id, uploader_role, uploaded_at, submission_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [d.evidenceId, d.sha256, d.contentType, d.size, d.uploadedBy.id, d.uploadedBy.role, d.uploadedAt, d.submissionId],
      );
    },
    async reset(tx: PoolClient) {
      await tx.query(`TRUNCATE ${t}`);
    },
    // Rebuild: insert-only, one INSERT per page.
    rebuildBatch: () => {
      const insert = insertJsonRows(t, ['evidence_id', 'sha256', 'content_type', 'size', 'uploader_id', 'uploader_role', 'uploaded_at', 'submission_id']);
      return pageBatch((tx, events) =>
        insert(
          tx,
          events.map((e) => {
            const d = e.data as EvidenceUploadedData;
            return {
              evidence_id: d.evidenceId,
              sha256: d.sha256,
              content_type: d.contentType,
              size: d.size,
              uploader_id: d.uploadedBy.id,
              uploader_role: d.uploadedBy.role,
              uploaded_at: d.uploadedAt,
              submission_id: d.submissionId,
            };
          }),
        ),
      );
    },
  };
};

export const findEvidence = async (db: Pool | PoolClient, schema: string, ids: readonly string[]): Promise<EvidenceRow[]> => {
  if (ids.length === 0) return [];
  const { rows } = await db.query<{
    evidence_id: string;
    sha256: string;
    content_type: string;
    size: string;
    uploader_id: string;
    uploader_role: string;
    uploaded_at: Date;
  }>(
    `SELECT evidence_id, sha256, content_type, size, uploader_id, uploader_role, uploaded_at FROM ${table(schema, EVIDENCE_TABLE)} WHERE evidence_id = ANY($1::text[])`,
    [ids],
  );
  return rows.map((r) => ({
    evidenceId: r.evidence_id,
    sha256: r.sha256,
    contentType: r.content_type,
    size: Number(r.size),
    uploaderId: r.uploader_id,
    uploaderRole: r.uploader_role,
    uploadedAt: r.uploaded_at.toISOString(),
  }));
};
