import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTokenVerifier, loadDevSecret } from '../src';
import { runTokenCli } from '../src/token-cli';

describe('dev tokens', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bp-http-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the dev secret file on first use and reuses it', () => {
    const file = join(dir, '.data', 'dev-jwt-secret');
    const a = loadDevSecret({ env: {}, file });
    expect(a.length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadDevSecret({ env: {}, file })).toBe(a);
    expect(loadDevSecret({ env: { JWT_SECRET: 'from-env' }, file })).toBe('from-env');
    expect(readFileSync(file, 'utf8')).toBe(a);
  });

  it('the CLI prints a token the dev-secret verifier accepts', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const file = join(dir, 'cli-secret');
    const code = runTokenCli(['--role', 'buyer', '--sub', 'buyer-1', '--ttl', 'PT5M'], {
      out: (s) => out.push(s),
      err: (s) => err.push(s),
      env: {},
      secretFile: file,
    });
    expect(code).toBe(0);
    expect(err).toEqual([]);
    const verify = createTokenVerifier({ mode: 'dev-secret', secret: loadDevSecret({ env: {}, file }) });
    expect(await verify(out.join('').trim())).toEqual({ sub: 'buyer-1', role: 'buyer' });
  });

  it('the CLI refuses an unknown role or a missing sub', () => {
    const err: string[] = [];
    const io = { out: () => {}, err: (s: string) => err.push(s), env: { JWT_SECRET: 'x' } };
    expect(runTokenCli(['--role', 'admin', '--sub', 'a'], io)).toBe(2);
    expect(runTokenCli(['--role', 'buyer'], io)).toBe(2);
    expect(runTokenCli(['--role', 'buyer', '--sub', 'a', '--ttl', '1h'], io)).toBe(2);
    expect(err.join('')).toContain('usage');
  });
});
