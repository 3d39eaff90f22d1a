// Writes the order lifecycle diagram (Mermaid, rendered by @bp/lifecycle from the transition table)
// into the service README between the kit's diagram markers.
//   node --require ./tools/swc-register.js services/order/scripts/diagram.ts [--check]
// --check exits 1 when the README is out of date instead of writing it; a unit test fails on drift.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderDiagram, withDiagram } from '@bp/lifecycle';
import { TERMINAL, transitions } from '../src/domain/order/process';

export const orderDiagram = (): string => renderDiagram(transitions, { finals: TERMINAL });

/** The README with the diagram block replaced (markers kept). */
export const renderReadme = (readme: string): string => withDiagram(readme, orderDiagram());

export const README_PATH = join(__dirname, '..', 'README.md');

if (require.main === module) {
  const current = readFileSync(README_PATH, 'utf8');
  const next = renderReadme(current);
  if (process.argv.includes('--check')) {
    if (next !== current) {
      process.stderr.write('services/order/README.md: diagram out of date; run services/order/scripts/diagram.ts\n');
      process.exitCode = 1;
    }
  } else if (next !== current) writeFileSync(README_PATH, next);
}
