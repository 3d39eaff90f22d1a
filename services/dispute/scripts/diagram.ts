/**
 * Renders the dispute transition table (src/domain/dispute/process.ts) as a Mermaid
 * stateDiagram-v2 into the service README, between the kit's diagram markers. Run:
 *   node --require ./tools/swc-register.js services/dispute/scripts/diagram.ts
 * A unit test fails when the README drifts from the table.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderDiagram, withDiagram } from '@bp/lifecycle';
import { FINAL_STATUSES, TRANSITIONS } from '../src/domain/dispute/process';

export const disputeDiagram = (): string => renderDiagram(TRANSITIONS, { finals: FINAL_STATUSES, start: 'none' });

/** The README with the diagram block replaced (markers kept). */
export const renderReadme = (readme: string): string => withDiagram(readme, disputeDiagram());

export const README_PATH = join(__dirname, '..', 'README.md');

if (require.main === module) {
  writeFileSync(README_PATH, renderReadme(readFileSync(README_PATH, 'utf8')));
}
