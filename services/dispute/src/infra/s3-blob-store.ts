import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { assertSha, type BlobStore } from './blob-store';

export interface S3Config {
  bucket: string;
  /** AWS region; S3-compatible stores mostly ignore it but SigV4 needs one. */
  region: string;
  /** An S3-compatible endpoint (MinIO, Ceph, R2…), addressed path-style; absent for AWS itself. */
  endpoint?: string;
  /** Static keys; absent means the SDK's credential chain (env, web identity / IRSA, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Key prefix inside the bucket (default `evidence/`). */
  prefix?: string;
  /** Attempts per request, retries with the SDK's backoff included (default 3). */
  maxAttempts?: number;
}

/** The SDK client for a configuration; tests pass their own (aws-sdk-client-mock) to s3BlobStore. */
export const s3Client = (c: S3Config): S3Client =>
  new S3Client({
    region: c.region,
    maxAttempts: c.maxAttempts ?? 3,
    ...(c.endpoint ? { endpoint: c.endpoint, forcePathStyle: true } : {}),
    ...(c.credentials ? { credentials: c.credentials } : {}),
    // Checksums only where S3 requires them: the SDK's default CRC32 trailer on every PUT is
    // refused by several S3-compatible stores, and the object key is already the sha256.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });

const isNotFound = (e: unknown): boolean => e instanceof S3ServiceException && (e.name === 'NoSuchKey' || e.$metadata.httpStatusCode === 404);

/**
 * Evidence in an S3 bucket, one object per sha256 (so a re-upload overwrites with the same bytes).
 * Signing, retries and the credential chain are the AWS SDK's.
 */
export const s3BlobStore = (c: S3Config, o: { client?: S3Client } = {}): BlobStore => {
  const client = o.client ?? s3Client(c);
  const key = (sha: string) => `${c.prefix ?? 'evidence/'}${sha}`;
  return {
    async put(sha256, bytes, contentType) {
      assertSha(sha256);
      await client.send(new PutObjectCommand({ Bucket: c.bucket, Key: key(sha256), Body: bytes, ContentType: contentType }));
    },
    async get(sha256) {
      assertSha(sha256);
      try {
        const res = await client.send(new GetObjectCommand({ Bucket: c.bucket, Key: key(sha256) }));
        if (!res.Body) return null;
        return Buffer.from(await res.Body.transformToByteArray());
      } catch (e) {
        if (isNotFound(e)) return null;
        throw e;
      }
    },
  };
};
