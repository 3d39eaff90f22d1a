// Writes the order lifecycle diagram (Mermaid, from the transition table) into the service README
// between <!-- diagram:start --> and <!-- diagram:end -->.
//   node --require ./tools/swc-register.js services/order/scripts/diagram.ts [--check]
// --check exits 1 when the README is out of date instead of writing it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withDiagram } from '../src/domain/order/diagram';

const readmePath = join(__dirname, '..', 'README.md');

const main = (): void => {
  const current = readFileSync(readmePath, 'utf8');
  const next = withDiagram(current);
  if (process.argv.includes('--check')) {
    if (next !== current) {
      process.stderr.write('services/order/README.md: diagram out of date; run services/order/scripts/diagram.ts\n');
      process.exitCode = 1;
    }
    return;
  }
  if (next !== current) writeFileSync(readmePath, next);
};

main();
