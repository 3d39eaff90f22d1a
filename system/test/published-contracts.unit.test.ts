import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isGenerated, PUBLISH_COMMAND, PUBLISHED_DIR, publishedDocuments } from '../src/contracts/documents';
import { listFiles } from '../src/contracts/publish';

// Issue 19 item 2: the committed contract (libs/contracts/published) is what the code generates;
// CI fails here when a route, a zod schema or a public event changed and the files were not re-published.
const dir = path.resolve(__dirname, '..', '..', PUBLISHED_DIR);
const stale = `the published contract differs from the code: run \`${PUBLISH_COMMAND}\` and commit ${PUBLISHED_DIR}`;

describe(`published contracts (${PUBLISHED_DIR})`, () => {
  let generated: Map<string, string>;
  beforeAll(async () => {
    generated = await publishedDocuments();
  }, 60_000); // four apps built on a shared 2-core machine

  it('publishes the OpenAPI 3.1 file of each service, the AsyncAPI file and one JSON Schema per public event', () => {
    const names = [...generated.keys()];
    expect(names.filter((n) => n.startsWith('openapi/')).sort()).toEqual(['openapi/dispute.json', 'openapi/escrow.json', 'openapi/notification.json', 'openapi/order.json']);
    expect(names).toContain('asyncapi.json');
    expect(names.filter((n) => n.startsWith('events/')).length).toBeGreaterThan(0);
    for (const [name, text] of generated) if (name.startsWith('openapi/')) expect((JSON.parse(text) as { openapi: string }).openapi).toBe('3.1.0');
  });

  it('holds exactly the generated files, no more (a removed event or service leaves none behind)', async () => {
    const committed = (await listFiles(dir)).filter(isGenerated).sort();
    const expected = [...generated.keys()].sort();
    const missing = expected.filter((f) => !committed.includes(f));
    const extra = committed.filter((f) => !generated.has(f));
    if (missing.length > 0 || extra.length > 0) throw new Error(`${stale} (missing: ${missing.join(', ') || 'none'}; not generated any more: ${extra.join(', ') || 'none'})`);
  });

  it('each committed file equals what the code generates', async () => {
    const differing: string[] = [];
    for (const [name, text] of generated) {
      const committed = await readFile(path.join(dir, name), 'utf8').catch(() => undefined);
      if (committed !== text) differing.push(name);
    }
    if (differing.length > 0) throw new Error(`${stale} (differs: ${differing.join(', ')})`);
  });
});
