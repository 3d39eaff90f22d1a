// docker-compose.yml and the Dockerfile, checked without a Docker engine: a KRaft Kafka, PostgreSQL,
// a mail catcher and the four services built from the one Dockerfile, wired to each other, with
// healthchecks and dispute's evidence on a volume; and a Dockerfile (parsed by dockerfile-ast) whose
// build stage holds every project `tsc -b` builds, on a pinned Node LTS, pruned, with a HEALTHCHECK.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultPorts, ServiceNames } from '@bp/runtime';
import { DockerfileParser } from 'dockerfile-ast';
import YAML from 'yaml';

const ROOT = path.join(__dirname, '../..');
const compose = YAML.parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<
    string,
    {
      image?: string;
      build?: string;
      environment?: Record<string, string | number>;
      ports?: string[];
      depends_on?: Record<string, unknown>;
      healthcheck?: { test: string[] };
      volumes?: string[];
    }
  >;
  volumes?: Record<string, unknown>;
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
    const urls = Object.fromEntries(
      String(env.SERVICE_URLS)
        .split(',')
        .map((p) => p.split('=')),
    );
    expect(urls).toEqual(Object.fromEntries(ServiceNames.map((n) => [n, `http://${n}:${defaultPorts[n]}`])));
  });

  it("sends the notification service's mail to the catcher", () => {
    expect(compose.services.notification?.environment?.SMTP_URL).toBe('smtp://mail:1025');
  });

  it.each(ServiceNames)("health-checks the %s service with the image's script (on /health/ready)", (name) => {
    expect(compose.services[name]!.healthcheck?.test).toEqual(['CMD', 'node', 'deploy/healthcheck.js']);
    expect(fs.readFileSync(path.join(ROOT, 'deploy/healthcheck.js'), 'utf8')).toContain('/health/ready');
  });

  it("keeps dispute's evidence blobs on a named volume mounted where BLOB_DIR points", () => {
    const dispute = compose.services.dispute!;
    const blobDir = String(dispute.environment?.BLOB_DIR);
    const mounts = (dispute.volumes ?? []).map((v) => v.split(':') as [string, string]);
    const mount = mounts.find(([, target]) => blobDir === target || blobDir.startsWith(`${target}/`));
    expect(mount).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(mount![0]);
  });
});

describe('Dockerfile', () => {
  const instructions = DockerfileParser.parse(dockerfile).getInstructions();
  const froms = instructions.filter((i) => i.getKeyword() === 'FROM');
  const stageOf = (i: (typeof instructions)[number]) => froms.filter((f) => f.getRange().start.line <= i.getRange().start.line).length - 1;
  const build = instructions.filter((i) => stageOf(i) === 0);
  const runtime = instructions.filter((i) => stageOf(i) === froms.length - 1);
  const args = (i: (typeof instructions)[number]) => i.getArguments().map((a) => a.getValue());
  // Sources of the build stage's COPYs (the last argument is the destination).
  const copied = build.filter((i) => i.getKeyword() === 'COPY').flatMap((i) => args(i).slice(0, -1));
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

  it('builds and runs on one supported Node LTS (22 or 24), slim, pinned to an exact version', () => {
    expect(froms).toHaveLength(2);
    const images = froms.map((f) => args(f)[0]!);
    for (const image of images) expect(image).toMatch(/^node:(22|24)\.\d+\.\d+-(bookworm|trixie)-slim$/);
    expect(new Set(images).size).toBe(1);
  });

  it('installs everything to build, then prunes to the runtime dependencies in the build stage', () => {
    const run = build
      .filter((i) => i.getKeyword() === 'RUN')
      .map((i) => args(i).join(' '))
      .join(' && ');
    expect(run).toMatch(/npm ci\b[\s\S]*tsc -b[\s\S]*npm prune --omit=dev/);
    const fromBuild = runtime.filter((i) => i.getKeyword() === 'COPY' && dockerfile.split('\n')[i.getRange().start.line]!.includes('--from=build'));
    expect(fromBuild.length).toBeGreaterThan(0);
  });

  it('has a HEALTHCHECK running the health script the image contains', () => {
    const check = runtime.find((i) => i.getKeyword() === 'HEALTHCHECK');
    expect(check).toBeDefined();
    expect(dockerfile.split('\n')[check!.getRange().start.line]).toMatch(/CMD \["node", "deploy\/healthcheck\.js"\]/);
    expect(runtime.some((i) => i.getKeyword() === 'COPY' && args(i)[0] === 'deploy/healthcheck.js')).toBe(true);
  });

  it('runs as non-root, listening on every interface, writing only under DATA_DIR, the service chosen by SERVICE', () => {
    const env = Object.fromEntries(runtime.filter((i) => i.getKeyword() === 'ENV').map((i) => args(i)[0]!.split('=') as [string, string]));
    expect(runtime.find((i) => i.getKeyword() === 'USER')?.getArgumentsContent()).toBe('node');
    expect(env.HOST).toBe('0.0.0.0');
    expect(env.DATA_DIR).toBe('/data');
    expect(runtime.some((i) => i.getKeyword() === 'RUN' && /chown -R node:node \/data/.test(args(i).join(' ')))).toBe(true);
    expect(dockerfile).toMatch(/services\/\$\{SERVICE\}\/dist\/main\.js/);
  });
});
