/**
 * Where evidence bytes live, addressed by their sha256 (hex). Content addressing makes `put`
 * idempotent (the same file uploaded twice is stored once) and lets anyone check a blob against the
 * hash the dispute thread recorded for it.
 */
export interface BlobStore {
  put(sha256: string, bytes: Buffer, contentType: string): Promise<void>;
  /** null when no blob has that hash. */
  get(sha256: string): Promise<Buffer | null>;
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;

export const assertSha = (sha256: string): void => {
  if (!SHA256_HEX.test(sha256)) throw new Error('blob key must be a sha256 hex digest');
};
