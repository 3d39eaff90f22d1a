import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sourceFiles } from '@bp/testing';

// Issue 20 item 2: the runtime owns config. A service reads ctx.config (libs/runtime/src/config.ts),
// never the process environment, so every setting is parsed once, at start, in one schema.
const ROOT = join(__dirname, '..', '..');

describe('service config', () => {
  it('no service source reads process.env', () => {
    const services = readdirSync(join(ROOT, 'services')).map((s) => `services/${s}/src`);
    const readers = services.flatMap((dir) => sourceFiles(ROOT, dir)).filter((file) => readFileSync(join(ROOT, file), 'utf8').includes('process.env'));
    expect(readers).toEqual([]);
  });

  it('every service.ts is one defineService', () => {
    for (const s of readdirSync(join(ROOT, 'services'))) {
      const text = readFileSync(join(ROOT, 'services', s, 'src', 'service.ts'), 'utf8');
      expect({ s, defineService: text.includes('defineService') && !text.includes('WeakMap') }).toEqual({ s, defineService: true });
    }
  });
});
