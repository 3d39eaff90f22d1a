import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Issue 20 item 2: the runtime owns config. A service reads ctx.config (libs/runtime/src/config.ts),
// never the process environment, so every setting is parsed once, at start, in one schema.
const ROOT = join(__dirname, '..', '..');
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });

describe('service config', () => {
  it('no service source reads process.env', () => {
    const services = readdirSync(join(ROOT, 'services')).map((s) => join(ROOT, 'services', s, 'src'));
    const readers = services.flatMap(sources).filter((file) => readFileSync(file, 'utf8').includes('process.env'));
    expect(readers.map((f) => f.slice(ROOT.length + 1))).toEqual([]);
  });

  it('every service.ts is one defineService', () => {
    for (const s of readdirSync(join(ROOT, 'services'))) {
      const text = readFileSync(join(ROOT, 'services', s, 'src', 'service.ts'), 'utf8');
      expect({ s, defineService: text.includes('defineService') && !text.includes('WeakMap') }).toEqual({ s, defineService: true });
    }
  });
});
