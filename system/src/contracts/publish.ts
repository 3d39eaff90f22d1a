// `npm run contracts:publish`: writes the public contract (OpenAPI per service, AsyncAPI, one JSON
// Schema per public event) to libs/contracts/published/; the drift test fails until it is re-run.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isGenerated, PUBLISHED_DIR, publishedDocuments } from './documents';

/** Every file below `dir`, as paths relative to it. */
export const listFiles = async (dir: string): Promise<string[]> => {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
};

const main = async () => {
  const root = path.resolve(__dirname, '..', '..', '..');
  const dir = path.join(root, PUBLISHED_DIR);
  const files = await publishedDocuments();
  // A removed event type or service must not leave its old file behind.
  for (const old of (await listFiles(dir)).filter(isGenerated)) if (!files.has(old)) await rm(path.join(dir, old));
  for (const [relative, text] of files) {
    await mkdir(path.dirname(path.join(dir, relative)), { recursive: true });
    await writeFile(path.join(dir, relative), text);
  }
  process.stdout.write(`wrote ${files.size} files to ${PUBLISHED_DIR}\n`);
};

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
