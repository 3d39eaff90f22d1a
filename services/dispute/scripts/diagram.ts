/**
 * Renders the dispute transition table (src/domain/dispute/process.ts) as a Mermaid
 * stateDiagram-v2 into the service README, between the diagram markers. Run:
 *   npx tsx services/dispute/scripts/diagram.ts   (or any TS runner)
 * A unit test fails when the README drifts from the table.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FINAL_STATUSES, TRANSITIONS, targetOf, type Transition } from '../src/domain/dispute/process';

export const START = '<!-- diagram:start -->';
export const END = '<!-- diagram:end -->';

const node = (status: string): string => (status === 'none' ? '[*]' : status);

const label = (t: Transition): string => {
  const who = t.actor === 'system' ? (t.deadline ? `timer ${t.deadline.kind}` : 'system') : t.actor.join('/');
  return `${t.name} (${who})`;
};

export const renderDiagram = (): string => {
  const lines = TRANSITIONS.flatMap((t) => t.from.map((from) => `  ${node(from)} --> ${node(targetOf(t, from))} : ${label(t)}`));
  const finals = FINAL_STATUSES.map((s) => `  ${s} --> [*]`);
  return ['```mermaid', 'stateDiagram-v2', ...lines, ...finals, '```'].join('\n');
};

/** The README with the diagram block replaced (markers kept). */
export const renderReadme = (readme: string): string => {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error('README lacks the diagram markers');
  return `${readme.slice(0, start + START.length)}\n${renderDiagram()}\n${readme.slice(end)}`;
};

export const README_PATH = join(__dirname, '..', 'README.md');

if (require.main === module) {
  writeFileSync(README_PATH, renderReadme(readFileSync(README_PATH, 'utf8')));
}
