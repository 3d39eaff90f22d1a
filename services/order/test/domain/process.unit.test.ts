import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATUSES, TERMINAL, guardsDefined, transitions, type From, type Status } from './process-helpers';
import { renderMermaid, withDiagram, DIAGRAM_START, DIAGRAM_END } from '../../src/domain/order/diagram';

const targetOf = (from: From, to: Status | 'same'): From => (to === 'same' ? from : to);

const reachable = (): Set<From> => {
  const seen = new Set<From>(['initial']);
  const queue: From[] = ['initial'];
  while (queue.length) {
    const s = queue.shift()!;
    for (const t of transitions.filter((x) => x.from.includes(s))) {
      const next = targetOf(s, t.to);
      if (!seen.has(next)) seen.add(next), queue.push(next);
    }
  }
  return seen;
};

describe('the transition table (conventions.md, style-anchors §3)', () => {
  it('O1: every status is reachable from placed (via place)', () => {
    const seen = reachable();
    for (const s of STATUSES) expect([s, seen.has(s)]).toEqual([s, true]);
  });
  it('every non-terminal status has an exit to another status (no dead ends)', () => {
    for (const s of STATUSES.filter((x) => !TERMINAL.includes(x))) {
      const exits = transitions.filter((t) => t.from.includes(s) && t.to !== 'same' && t.to !== s);
      expect([s, exits.length > 0]).toEqual([s, true]);
    }
  });
  it('terminal statuses (completed, closed) never leave', () => {
    for (const s of TERMINAL) expect(transitions.filter((t) => t.from.includes(s) && t.to !== 'same')).toEqual([]);
  });
  it('names are unique; timed transitions are system ones with unique deadline kinds; every guard exists', () => {
    expect(new Set(transitions.map((t) => t.name)).size).toBe(transitions.length);
    const timed = transitions.filter((t) => t.deadline);
    expect(timed.every((t) => t.command === 'FireDeadline' && t.actor.join() === 'system')).toBe(true);
    expect(new Set(timed.map((t) => t.deadline!.kind)).size).toBe(timed.length);
    expect(guardsDefined()).toBe(true);
  });
  it('the diagram in services/order/README.md is the one generated from the table', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(readme).toContain(DIAGRAM_START);
    expect(readme).toContain(DIAGRAM_END);
    expect(withDiagram(readme)).toBe(readme);
    expect(readme).toContain(renderMermaid());
  });
  it('the diagram has one edge per (transition, from) plus the terminal ends', () => {
    const edges = renderMermaid().split('\n').filter((l) => l.includes('-->'));
    expect(edges).toHaveLength(transitions.reduce((n, t) => n + t.from.length, 0) + TERMINAL.length);
  });
});
