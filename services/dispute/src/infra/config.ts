import path from 'node:path';
import { z } from 'zod';
import type { BlobStore } from './blob-store';
import { localBlobStore } from './local-blob-store';
import { s3BlobStore } from './s3-blob-store';

/**
 * The dispute service's own settings (the runtime parses the shared ones). Evidence goes to
 * S3 when EVIDENCE_S3_BUCKET is set, else to a local directory: BLOB_DIR, default <DATA_DIR>/evidence.
 */
const DisputeEnv = z.object({
  BLOB_DIR: z.string().min(1).optional(),
  EVIDENCE_S3_ENDPOINT: z.url().optional(),
  EVIDENCE_S3_BUCKET: z.string().min(1).optional(),
  EVIDENCE_S3_REGION: z.string().default('us-east-1'),
  EVIDENCE_S3_ACCESS_KEY_ID: z.string().optional(),
  EVIDENCE_S3_SECRET_ACCESS_KEY: z.string().optional(),
});

export const blobStoreFromEnv = (dataDir: string, env: NodeJS.ProcessEnv = process.env): BlobStore => {
  const parsed = DisputeEnv.safeParse(env);
  if (!parsed.success) throw new Error(`invalid dispute configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const e = parsed.data;
  if (e.EVIDENCE_S3_BUCKET) {
    if (!e.EVIDENCE_S3_ENDPOINT || !e.EVIDENCE_S3_ACCESS_KEY_ID || !e.EVIDENCE_S3_SECRET_ACCESS_KEY) {
      throw new Error('invalid dispute configuration: EVIDENCE_S3_BUCKET needs EVIDENCE_S3_ENDPOINT, EVIDENCE_S3_ACCESS_KEY_ID and EVIDENCE_S3_SECRET_ACCESS_KEY');
    }
    return s3BlobStore({
      endpoint: e.EVIDENCE_S3_ENDPOINT,
      bucket: e.EVIDENCE_S3_BUCKET,
      region: e.EVIDENCE_S3_REGION,
      accessKeyId: e.EVIDENCE_S3_ACCESS_KEY_ID,
      secretAccessKey: e.EVIDENCE_S3_SECRET_ACCESS_KEY,
    });
  }
  return localBlobStore(e.BLOB_DIR ?? path.join(dataDir, 'evidence'));
};
