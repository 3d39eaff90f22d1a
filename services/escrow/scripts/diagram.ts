/**
 * Writes the escrow lifecycle diagram (rendered by @bp/lifecycle from the transition table, status
 * changes only: money movements are in the table) into the service README between the kit's markers:
 *   node --require ./tools/swc-register.js services/escrow/scripts/diagram.ts
 * test/domain/process.unit.test.ts fails when the README is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderDiagram, withDiagram } from '@bp/lifecycle';
import { ESCROW_PROCESS, FINAL_STATUSES } from '../src/domain/escrow/process';

export const escrowDiagram = (): string => renderDiagram(ESCROW_PROCESS, { finals: FINAL_STATUSES, start: 'unknown', statusChangesOnly: true });

/** The README with the diagram block replaced (markers kept). */
export const renderReadme = (readme: string): string => withDiagram(readme, escrowDiagram());

export const README_PATH = join(__dirname, '..', 'README.md');

if (require.main === module) writeFileSync(README_PATH, renderReadme(readFileSync(README_PATH, 'utf8')));
