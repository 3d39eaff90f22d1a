import { targetOf } from './derive';
import { INITIAL, type Table, type Transition, type Vocabulary } from './table';

/** The one marker pair every generated diagram sits between (README or docs). */
export const DIAGRAM_START = '<!-- diagram:start (generated from the transition table) -->';
export const DIAGRAM_END = '<!-- diagram:end -->';

/** The default edge label: name, who runs it (a timer by its kind; the trigger), the guard and the rule. */
export const defaultLabel = <V extends Vocabulary>(t: Transition<V>): string => {
  const who = t.deadline ? `timer ${t.deadline.kind}` : t.trigger ? `${t.actor.join('/')}, ${t.trigger}` : t.actor.join('/');
  return `${t.name} (${who})${t.guard ? ` if ${t.guard}` : ''}${t.rule ? ` ${t.rule}` : ''}`;
};

export interface DiagramOptions<V extends Vocabulary> {
  finals: readonly V['status'][];
  /** The status drawn as [*] (default INITIAL). */
  start?: string;
  label?: (t: Transition<V>) => string;
  /** Leave self-loops out (lifecycles whose table lists money or bookkeeping moves). */
  statusChangesOnly?: boolean;
}

/** The table as a Mermaid stateDiagram-v2 (fenced), one line per edge, duplicates dropped. */
export const renderDiagram = <V extends Vocabulary>(table: Table<V>, options: DiagramOptions<V>): string => {
  const start = options.start ?? INITIAL;
  const label = options.label ?? defaultLabel;
  const node = (s: string) => (s === start ? '[*]' : s);
  const lines = new Set<string>();
  for (const t of table) {
    for (const from of t.from) {
      const to = targetOf(t, from);
      if (options.statusChangesOnly && to === from) continue;
      lines.add(`  ${node(from)} --> ${node(to)} : ${label(t)}`);
    }
  }
  for (const f of options.finals) lines.add(`  ${f} --> [*]`);
  return ['```mermaid', 'stateDiagram-v2', ...lines, '```'].join('\n');
};

/** The document with the block between the markers replaced by `diagram` (markers kept). */
export const withDiagram = (doc: string, diagram: string): string => {
  const start = doc.indexOf(DIAGRAM_START);
  const end = doc.indexOf(DIAGRAM_END);
  if (start < 0 || end < start) throw new Error('the document lacks the diagram markers');
  return `${doc.slice(0, start)}${DIAGRAM_START}\n${diagram}\n${doc.slice(end)}`;
};
