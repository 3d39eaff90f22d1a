import path from 'node:path';
import { z } from 'zod';
import type { BlobStore } from './blob-store';
import { localBlobStore } from './local-blob-store';
import { s3BlobStore } from './s3-blob-store';

/**
 * The dispute service's own settings, read by the runtime (ServiceConfig) and checked here. Evidence goes to
 * S3 when EVIDENCE_S3_BUCKET is set, else to a local directory: BLOB_DIR, default <DATA_DIR>/evidence.
 * Without EVIDENCE_S3_ACCESS_KEY_ID/SECRET the SDK's credential chain applies (IRSA, instance role).
 */
const DisputeEnv = z.object({
  BLOB_DIR: z.string().min(1).optional(),
  EVIDENCE_S3_ENDPOINT: z.url().optional(),
  EVIDENCE_S3_BUCKET: z.string().min(1).optional(),
  EVIDENCE_S3_REGION: z.string().min(1).optional(),
  AWS_REGION: z.string().min(1).optional(),
  EVIDENCE_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  EVIDENCE_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
});

export const blobStoreFromEnv = (dataDir: string, env: Readonly<Record<string, unknown>>): BlobStore => {
  const parsed = DisputeEnv.safeParse(env);
  if (!parsed.success) throw new Error(`invalid dispute configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const e = parsed.data;
  if (e.EVIDENCE_S3_BUCKET) {
    const keyId = e.EVIDENCE_S3_ACCESS_KEY_ID;
    const secret = e.EVIDENCE_S3_SECRET_ACCESS_KEY;
    if ((keyId === undefined) !== (secret === undefined)) {
      throw new Error('invalid dispute configuration: set both EVIDENCE_S3_ACCESS_KEY_ID and EVIDENCE_S3_SECRET_ACCESS_KEY, or neither (credential chain)');
    }
    return s3BlobStore({
      bucket: e.EVIDENCE_S3_BUCKET,
      region: e.EVIDENCE_S3_REGION ?? e.AWS_REGION ?? 'us-east-1',
      ...(e.EVIDENCE_S3_ENDPOINT ? { endpoint: e.EVIDENCE_S3_ENDPOINT } : {}),
      ...(keyId && secret ? { credentials: { accessKeyId: keyId, secretAccessKey: secret } } : {}),
    });
  }
  return localBlobStore(e.BLOB_DIR ?? path.join(dataDir, 'evidence'));
};
