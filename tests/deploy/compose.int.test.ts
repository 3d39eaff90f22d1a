// docker-compose.yml and the Dockerfile, checked without a Docker engine: a KRaft Kafka, PostgreSQL,
// a mail catcher and the four services built from the one Dockerfile, wired to each other; and a
// Dockerfile whose build stage holds every project `tsc -b` builds (a missing one fails the build).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultPorts, ServiceNames } from '@bp/runtime';
import YAML from 'yaml';

const ROOT = path.join(__dirname, '../..');
const compose = YAML.parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { image?: string; build?: string; environment?: Record<string, string | number>; ports?: string[]; depends_on?: Record<string, unknown> }>;
};
const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');

describe('docker-compose.yml', () => {
  it('runs Kafka in KRaft mode (broker and controller, no ZooKeeper)', () => {
    const kafka = compose.services.kafka!;
    expect(kafka.image).toMatch(/kafka/);
    expect(String(kafka.environment?.KAFKA_PROCESS_ROLES)).toMatch(/controller/);
    expect(kafka.environment?.KAFKA_CONTROLLER_QUORUM_VOTERS).toBeDefined();
    expect(Object.keys(compose.services).some((s) => /zookeeper/i.test(s))).toBe(false);
  });

  it('has PostgreSQL and a mail catcher', () => {
    expect(compose.services.postgres?.image).toMatch(/^postgres:/);
    expect(compose.services.mail?.image).toMatch(/mailpit|mailhog|maildev/);
  });

  it.each(ServiceNames)('runs the %s service from the one Dockerfile, reachable and wired to the others', (name) => {
    const svc = compose.services[name]!;
    const env = svc.environment ?? {};
    expect(svc.build).toBe('.');
    expect(env.SERVICE).toBe(name);
    expect(Number(env.PORT)).toBe(defaultPorts[name]);
    // 127.0.0.1 inside a container is unreachable from the other containers and the host.
    expect(env.HOST).toBe('0.0.0.0');
    expect(svc.ports).toContain(`${defaultPorts[name]}:${defaultPorts[name]}`);
    expect(String(env.DATABASE_URL)).toContain('@postgres:');
    expect(env.KAFKA_BROKERS).toBe('kafka:9092');
    expect(Object.keys(svc.depends_on ?? {}).sort()).toEqual(['kafka', 'postgres']);
    const urls = Object.fromEntries(String(env.SERVICE_URLS).split(',').map((p) => p.split('=')));
    expect(urls).toEqual(Object.fromEntries(ServiceNames.map((n) => [n, `http://${n}:${defaultPorts[n]}`])));
  });

  it('sends the notification service\'s mail to the catcher', () => {
    expect(compose.services.notification?.environment?.SMTP_URL).toBe('smtp://mail:1025');
  });
});

describe('Dockerfile', () => {
  const copied = [...dockerfile.matchAll(/^COPY\s+(?!--from)(.+)$/gm)].flatMap((m) => m[1]!.trim().split(/\s+/).slice(0, -1));
  const covered = (dir: string) => copied.some((src) => dir === src || dir.startsWith(`${src.replace(/\/$/, '')}/`));

  it('copies every project that tsc -b builds (tsconfig.json references)', () => {
    const refs = (JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')) as { references: { path: string }[] }).references.map((r) => r.path);
    expect(refs.filter((r) => !covered(r))).toEqual([]);
  });

  it('copies the package.json of every npm workspace (npm ci refuses a lock whose workspaces are missing)', () => {
    const workspaces = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
    const missing = workspaces.filter((w) => !covered(w.replace(/\/\*$/, '')) && !covered(`${w}/package.json`));
    expect(missing).toEqual([]);
  });

  it('runs as non-root, listening on every interface, the service chosen by SERVICE', () => {
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^ENV HOST=0\.0\.0\.0$/m);
    expect(dockerfile).toMatch(/services\/\$\{SERVICE\}\/dist\/main\.js/);
  });
});
