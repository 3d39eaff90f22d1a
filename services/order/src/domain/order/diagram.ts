// Renders the transition table (process.ts) as a Mermaid stateDiagram-v2. Pure: the script
// services/order/scripts/diagram.ts writes it into the README, and a test keeps the two equal.
import { TERMINAL, type Transition, transitions } from './process';

const label = (t: Transition): string => {
  const who = t.deadline ? `timer ${t.deadline.kind}` : t.actor.join(', ');
  return `${t.name} [${who}]${t.guard ? ` if ${t.guard}` : ''} (${t.rule})`;
};

const edges = (t: Transition): string[] =>
  t.from.map((from) => {
    const source = from === 'initial' ? '[*]' : from;
    const target = t.to === 'same' ? from : t.to;
    return `  ${source} --> ${target}: ${label(t)}`;
  });

export const renderMermaid = (): string =>
  [
    'stateDiagram-v2',
    ...transitions.flatMap(edges),
    ...TERMINAL.map((s) => `  ${s} --> [*]`),
  ].join('\n');

export const DIAGRAM_START = '<!-- diagram:start -->';
export const DIAGRAM_END = '<!-- diagram:end -->';

/** The README text with the block between the markers replaced by the current diagram. */
export const withDiagram = (readme: string): string => {
  const start = readme.indexOf(DIAGRAM_START);
  const end = readme.indexOf(DIAGRAM_END);
  if (start < 0 || end < start) throw new Error('README lacks the diagram markers');
  const block = `${DIAGRAM_START}\n\`\`\`mermaid\n${renderMermaid()}\n\`\`\`\n${DIAGRAM_END}`;
  return readme.slice(0, start) + block + readme.slice(end + DIAGRAM_END.length);
};
