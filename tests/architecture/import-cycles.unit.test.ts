// No import cycle in the repo's TypeScript (issue 20 item 5). Inside a package, Biome's
// noImportCycles finds them: `npm run lint`, which `npm test` (so CI) runs before jest. Biome follows
// `@bp/*` imports only into the packages' built output, so the imports between workspace packages
// are checked here, from their sources. This file also keeps the rule from being switched off quietly.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sourceFiles } from '@bp/testing';

const ROOT = path.resolve(__dirname, '../..');
const readJson = <T>(file: string): T => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as T;

describe('the import-cycle rule (Biome, npm run lint)', () => {
  it('npm test runs the linter and the format check before jest (issue 20 item 5)', () => {
    const { scripts } = readJson<{ scripts: Record<string, string> }>('package.json');
    expect(scripts.lint).toMatch(/^biome ci\b/);
    const { formatter } = readJson<{ formatter: { enabled: boolean; lineWidth: number } }>('biome.json');
    expect(formatter).toMatchObject({ enabled: true, lineWidth: 160 });
    expect(scripts.test).toMatch(/npm run lint && jest/);
  });

  it('the repo configuration refuses a cycle closed by a type-only import (as order.ts <-> evolve.ts was)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bp-cycles-'));
    try {
      writeFileSync(path.join(dir, 'biome.json'), readFileSync(path.join(ROOT, 'biome.json')));
      writeFileSync(path.join(dir, '.gitignore'), 'node_modules\n');
      writeFileSync(path.join(dir, 'state.ts'), "export type State = { n: number };\nexport { evolve } from './evolve';\n");
      writeFileSync(path.join(dir, 'evolve.ts'), "import type { State } from './state';\nexport const evolve = (s: State): State => ({ n: s.n + 1 });\n");
      writeFileSync(path.join(dir, 'acyclic.ts'), "import { evolve } from './evolve';\nexport const twice = (n: number) => evolve(evolve({ n }));\n");
      const run = spawnSync(process.execPath, [require.resolve('@biomejs/biome/bin/biome'), 'lint', '--colors=off', '.'], { cwd: dir, encoding: 'utf8' });
      const out = run.stdout + run.stderr;
      expect(run.status).toBe(1);
      const flagged = [...out.matchAll(/^(\S+\.ts):\d+:\d+ lint\/suspicious\/noImportCycles/gm)].map((m) => m[1]).sort();
      expect(flagged).toEqual(['evolve.ts', 'state.ts']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A cycle in a directed graph (as the list of its nodes, first repeated last), or null. */
const findCycle = (graph: ReadonlyMap<string, readonly string[]>): string[] | null => {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === 'done') return null;
    if (state.get(node) === 'open') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
};

const BP_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)['"](@bp\/[a-z0-9-]+)(?:\/[^'"]*)?['"]/g;

const sources = (dir: string): string[] => sourceFiles(ROOT, dir);

/** Every workspace package with a src/: the packages other packages import at run time. */
const packages = (): { name: string; dir: string }[] =>
  readJson<{ workspaces: string[] }>('package.json')
    .workspaces.flatMap((w) => (w.endsWith('/*') ? readdirSync(path.join(ROOT, w.slice(0, -2))).map((d) => `${w.slice(0, -2)}/${d}`) : [w]))
    .filter((dir) => sources(`${dir}/src`).length > 0)
    .map((dir) => ({ name: readJson<{ name: string }>(`${dir}/package.json`).name, dir }));

describe('imports between workspace packages', () => {
  it('the cycle finder finds a cycle, and none where there is none', () => {
    expect(
      findCycle(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
        ]),
      ),
    ).toEqual(['a', 'b', 'c', 'a']);
    expect(
      findCycle(
        new Map([
          ['a', ['b', 'c']],
          ['b', ['c']],
          ['c', []],
        ]),
      ),
    ).toBeNull();
    expect(
      findCycle(
        new Map([
          ['x', []],
          ['a', ['b']],
          ['b', ['b']],
        ]),
      ),
    ).toEqual(['b', 'b']);
  });

  it('form no cycle (src/ of each package, libs, services, examples and system)', () => {
    const all = packages();
    expect(all.map((p) => p.name)).toEqual(expect.arrayContaining(['@bp/contracts', '@bp/order-service', '@bp/example-webhook-receiver', '@bp/system']));
    const graph = new Map(
      all.map((p) => {
        const imported = sources(`${p.dir}/src`).flatMap((f) => [...readFileSync(path.join(ROOT, f), 'utf8').matchAll(BP_IMPORT)].map((m) => m[1]!));
        return [p.name, [...new Set(imported)].filter((n) => n !== p.name)];
      }),
    );
    expect(graph.get('@bp/system')).toEqual(expect.arrayContaining(['@bp/order-service', '@bp/contracts']));
    expect(findCycle(graph)).toBeNull();
  });
});
