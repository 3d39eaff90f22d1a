import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sourceFiles } from '@bp/testing';

/**
 * kafkajs stays behind the port (issue 16 item 7): only libs/messaging/src/kafkajs/ imports it, so
 * swapping the client library is one adapter folder. Production sources are checked; tests may
 * still drive kafkajs directly (e.g. to play a partner's client).
 */
const ROOT = path.resolve(__dirname, '../../..');
const ADAPTER = 'libs/messaging/src/kafkajs/';
const SOURCE = /\.(?:[cm]?ts|tsx|[cm]?js)$/;

/** `from 'kafkajs'`, `import 'kafkajs'`, `require('kafkajs')`, `import('kafkajs')`, subpaths too. */
const KAFKAJS_IMPORT = /(?:\bfrom\s*|\bimport\s*|\brequire\s*\(\s*|\bimport\s*\(\s*)['"]kafkajs(?:\/[^'"]*)?['"]/;

const filesUnder = (dir: string): string[] => sourceFiles(ROOT, dir, SOURCE);

const packagesIn = (dir: string): string[] =>
  readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => `${dir}/${e.name}/src`);

const productionSources = (): string[] => [...packagesIn('libs'), ...packagesIn('services'), 'system/src'].flatMap(filesUnder);

const importsKafkajs = (file: string): boolean => KAFKAJS_IMPORT.test(readFileSync(path.join(ROOT, file), 'utf8'));

describe('kafkajs behind the messaging port (issue 16 item 7)', () => {
  it('recognises every form of import, and not a mere mention', () => {
    for (const line of [
      "import { Kafka } from 'kafkajs';",
      'import type { Admin } from "kafkajs";',
      "import 'kafkajs';",
      "const { Kafka } = require('kafkajs');",
      "const k = await import('kafkajs');",
      "export { logLevel } from 'kafkajs';",
      "import x from 'kafkajs/src/network/socketFactory';",
    ])
      expect({ line, found: KAFKAJS_IMPORT.test(line) }).toEqual({ line, found: true });
    for (const line of ["// kafkajs's default partitioner", "import { x } from 'kafkajs-extra';", "const name = 'kafkajs';"])
      expect({ line, found: KAFKAJS_IMPORT.test(line) }).toEqual({ line, found: false });
  });

  it('no production source outside the adapter folder imports kafkajs', () => {
    const files = productionSources();
    // A scan that finds nothing would pass vacuously: it must see the services, the ops and the adapter.
    expect(files.filter((f) => f.startsWith('services/')).length).toBeGreaterThan(10);
    expect(files).toContain('system/src/ops/dead-letters.ts');
    expect(files.filter((f) => f.startsWith(ADAPTER) && importsKafkajs(f)).length).toBeGreaterThan(0);

    const leaks = files.filter((f) => !f.startsWith(ADAPTER) && importsKafkajs(f));
    expect(leaks).toEqual([]);
  });
});
