// `npm run contracts:publish`: writes the public contract (OpenAPI per service, AsyncAPI, one JSON
// Schema per public event) to libs/contracts/published/, and the typed client's types generated from
// those OpenAPI files to libs/client/src/generated/; the drift test fails until it is re-run.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { clientFiles } from './client';
import { CLIENT_GENERATED_DIR, isGenerated, listFiles, PUBLISHED_DIR, publishedDocuments } from './documents';

/** Replaces the generated files of `dir` by `files`: a removed event type or service leaves no old file behind. */
const writeAll = async (dir: string, files: Map<string, string>, generated: (relative: string) => boolean) => {
  for (const old of (await listFiles(dir)).filter(generated)) if (!files.has(old)) await rm(path.join(dir, old));
  for (const [relative, text] of files) {
    await mkdir(path.dirname(path.join(dir, relative)), { recursive: true });
    await writeFile(path.join(dir, relative), text);
  }
};

const main = async () => {
  const root = path.resolve(__dirname, '..', '..', '..');
  const files = await publishedDocuments();
  await writeAll(path.join(root, PUBLISHED_DIR), files, isGenerated);
  const client = await clientFiles(files);
  await writeAll(path.join(root, CLIENT_GENERATED_DIR), client, (f) => f.endsWith('.ts'));
  process.stdout.write(`wrote ${files.size} files to ${PUBLISHED_DIR} and ${client.size} to ${CLIENT_GENERATED_DIR}\n`);
};

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
