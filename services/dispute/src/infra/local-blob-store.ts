import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertSha, type BlobStore } from './blob-store';

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

/**
 * Blobs as files under `dir/<first two hex>/<sha256>`. A write goes to a temporary name first and
 * is renamed into place, so a crash never leaves a half-written blob under a valid hash.
 */
export const localBlobStore = (dir: string): BlobStore => {
  const fileOf = (sha: string) => path.join(dir, sha.slice(0, 2), sha);
  return {
    async put(sha256, bytes) {
      assertSha(sha256);
      const file = fileOf(sha256);
      if (await exists(file)) return;
      await mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await writeFile(tmp, bytes, { flag: 'wx' });
        await rename(tmp, file);
      } catch (e) {
        await unlink(tmp).catch(() => {});
        throw e;
      }
    },
    async get(sha256) {
      assertSha(sha256);
      return readFile(fileOf(sha256)).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return null;
        throw e;
      });
    },
  };
};
