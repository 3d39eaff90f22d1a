import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// The domain is pure: it takes what infra (e.g. the evidence file parsers) produced as input and
// never imports infra, app, http or projections; those import the domain, not the other way round.
const DOMAIN = path.join(__dirname, '../../src/domain');
const OUTER = /\bfrom\s+['"](?:\.\.\/)+(?:infra|app|http|projections|consumers)(?:\/[^'"]*)?['"]/;

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );

describe('dispute domain layering', () => {
  it('recognises an outward import', () => {
    expect(OUTER.test("import { parseEvidence } from '../../infra/evidence/parse';")).toBe(true);
    expect(OUTER.test("import type { X } from '../app';")).toBe(true);
    expect(OUTER.test("import { isImage } from './limits';")).toBe(false);
  });
  it('no file under src/domain imports infra, app, http, projections or consumers', () => {
    const files = sources(DOMAIN);
    expect(files.length).toBeGreaterThan(20);
    expect(files.filter((f) => OUTER.test(readFileSync(f, 'utf8'))).map((f) => path.relative(DOMAIN, f))).toEqual([]);
  });
});
