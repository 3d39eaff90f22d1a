import { assertSha, type BlobStore } from './blob-store';
import { EMPTY_SHA256, sha256Hex, signV4 } from './sigv4';

export interface S3Config {
  /** e.g. https://s3.eu-central-1.amazonaws.com or http://127.0.0.1:9000 (MinIO); path-style. */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Key prefix inside the bucket (default `evidence/`). */
  prefix?: string;
}

/**
 * Evidence in an S3-compatible bucket, one object per sha256, signed with SigV4 over fetch.
 * Path-style addressing works with AWS and with MinIO/Ceph/R2 alike.
 */
export const s3BlobStore = (c: S3Config, o: { now?: () => Date; fetch?: typeof fetch } = {}): BlobStore => {
  const now = o.now ?? (() => new Date());
  const doFetch = o.fetch ?? fetch;
  const urlOf = (sha: string) => new URL(`${c.endpoint.replace(/\/$/, '')}/${c.bucket}/${c.prefix ?? 'evidence/'}${sha}`);
  const sign = (method: string, url: URL, payloadSha256: string, headers: Record<string, string> = {}) =>
    signV4({ method, url, headers, payloadSha256, now: now(), region: c.region, service: 's3', accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey });
  return {
    async put(sha256, bytes, contentType) {
      assertSha(sha256);
      const url = urlOf(sha256);
      const headers = sign('PUT', url, sha256Hex(bytes), { 'content-type': contentType });
      const res = await doFetch(url, { method: 'PUT', headers, body: bytes });
      if (!res.ok) throw new Error(`blob store PUT failed: ${res.status}`);
    },
    async get(sha256) {
      assertSha(sha256);
      const url = urlOf(sha256);
      const res = await doFetch(url, { method: 'GET', headers: sign('GET', url, EMPTY_SHA256) });
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`blob store GET failed: ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    },
  };
};
