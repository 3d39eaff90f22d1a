import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CLIENT_GENERATED_DIR, isGenerated, listFiles, PUBLISH_COMMAND, PUBLISHED_DIR, publishedDocuments } from '../src/contracts/documents';

// Issue 19 item 2: the committed contract (libs/contracts/published) is what the code generates;
// CI fails here when a route, a zod schema or a public event changed and the files were not re-published.
const root = path.resolve(__dirname, '..', '..');
const dir = path.join(root, PUBLISHED_DIR);
const stale = `the published contract differs from the code: run \`${PUBLISH_COMMAND}\` and commit ${PUBLISHED_DIR}`;
const staleClient = `the typed client differs from the published OpenAPI files: run \`${PUBLISH_COMMAND}\` and commit ${CLIENT_GENERATED_DIR}`;

/**
 * The client's types for `published`, generated as the publish command does, in a child process:
 * openapi-typescript loads ESM-only packages, which plain Node requires and jest's modules cannot.
 */
const generateClient = (published: Map<string, string>): Promise<Map<string, string>> =>
  new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--require', path.join(root, 'tools', 'swc-register.js'), path.join(root, 'system', 'src', 'contracts', 'client.ts')],
      { maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(new Map(Object.entries(JSON.parse(stdout) as Record<string, string>))),
    );
    child.stdin!.end(JSON.stringify(Object.fromEntries([...published].filter(([name]) => name.startsWith('openapi/')))));
  });

describe(`published contracts (${PUBLISHED_DIR})`, () => {
  let generated: Map<string, string>;
  beforeAll(async () => {
    generated = await publishedDocuments();
  }, 60_000); // four apps built on a shared 2-core machine

  it('publishes the OpenAPI 3.1 file of each service, the AsyncAPI file and one JSON Schema per public event', () => {
    const names = [...generated.keys()];
    expect(names.filter((n) => n.startsWith('openapi/')).sort()).toEqual([
      'openapi/dispute.json',
      'openapi/escrow.json',
      'openapi/notification.json',
      'openapi/order.json',
    ]);
    expect(names).toContain('asyncapi.json');
    expect(names.filter((n) => n.startsWith('events/')).length).toBeGreaterThan(0);
    for (const [name, text] of generated) if (name.startsWith('openapi/')) expect((JSON.parse(text) as { openapi: string }).openapi).toBe('3.1.0');
  });

  it('holds exactly the generated files, no more (a removed event or service leaves none behind)', async () => {
    const committed = (await listFiles(dir)).filter(isGenerated).sort();
    const expected = [...generated.keys()].sort();
    const missing = expected.filter((f) => !committed.includes(f));
    const extra = committed.filter((f) => !generated.has(f));
    if (missing.length > 0 || extra.length > 0)
      throw new Error(`${stale} (missing: ${missing.join(', ') || 'none'}; not generated any more: ${extra.join(', ') || 'none'})`);
  });

  it('each committed file equals what the code generates', async () => {
    const differing: string[] = [];
    for (const [name, text] of generated) {
      const committed = await readFile(path.join(dir, name), 'utf8').catch(() => undefined);
      if (committed !== text) differing.push(name);
    }
    if (differing.length > 0) throw new Error(`${stale} (differs: ${differing.join(', ')})`);
  });

  it(`the typed client (${CLIENT_GENERATED_DIR}) is what openapi-typescript generates from the OpenAPI files, no more`, async () => {
    const expected = await generateClient(generated);
    expect([...expected.keys()].sort()).toEqual(['dispute.ts', 'escrow.ts', 'notification.ts', 'order.ts']);
    const clientDir = path.join(root, CLIENT_GENERATED_DIR);
    const committed = await listFiles(clientDir);
    const differing: string[] = [];
    for (const [name, text] of expected) if ((await readFile(path.join(clientDir, name), 'utf8').catch(() => undefined)) !== text) differing.push(name);
    const extra = committed.filter((f) => !expected.has(f));
    if (differing.length > 0 || extra.length > 0)
      throw new Error(`${staleClient} (differs or missing: ${differing.join(', ') || 'none'}; not generated any more: ${extra.join(', ') || 'none'})`);
  }, 120_000);
});
