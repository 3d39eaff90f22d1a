import { readFileSync } from 'node:fs';
import { reachability } from '@bp/lifecycle';
import { STATUSES, TERMINAL, guardsDefined, transitions } from './process-helpers';
import { orderDiagram, README_PATH, renderReadme } from '../../scripts/diagram';

describe('the transition table (conventions.md, style-anchors §3)', () => {
  it('O1: every status is reachable from placed (via place); only completed and closed are dead ends, and they never leave', () =>
    expect(reachability(transitions, STATUSES, TERMINAL)).toEqual({ unreachable: [], deadEnds: [], finalsWithExit: [] }));
  it('names are unique; timed transitions are system ones with unique deadline kinds; every guard exists', () => {
    expect(new Set(transitions.map((t) => t.name)).size).toBe(transitions.length);
    const timed = transitions.filter((t) => t.deadline);
    expect(timed.every((t) => t.command === 'FireDeadline' && t.actor.join() === 'system')).toBe(true);
    expect(new Set(timed.map((t) => t.deadline!.kind)).size).toBe(timed.length);
    expect(guardsDefined()).toBe(true);
  });
  it('the diagram in services/order/README.md is the one generated from the table (run scripts/diagram.ts when this fails)', () => {
    const readme = readFileSync(README_PATH, 'utf8');
    expect(renderReadme(readme)).toBe(readme);
    expect(readme).toContain(orderDiagram());
  });
  it('the diagram has one edge per (transition, from) plus the terminal ends', () => {
    const edges = orderDiagram()
      .split('\n')
      .filter((l) => l.includes('-->'));
    expect(edges).toHaveLength(transitions.reduce((n, t) => n + t.from.length, 0) + TERMINAL.length);
  });
});
