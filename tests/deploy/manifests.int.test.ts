// deploy/k8s/*.yaml: current with deploy/render.js, valid against the Kubernetes schemas
// (kubernetes-models 4.5.1), and sane for production (probes, PDB, HPA, requests, non-root, pinned
// image, NetworkPolicy, a migration Job named per release); every path a service writes is a mounted
// volume or switched to an external store; every Secret key deploy/README.md lists reaches its containers.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import YAML from 'yaml';

const K8S_DIR = path.join(__dirname, '../../deploy/k8s');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { render, RELEASE, IMAGE } = require('../../deploy/render.js') as { render: () => Record<string, string>; RELEASE: string; IMAGE: string };
const ROOT = path.join(__dirname, '../..');

/** The model class of each apiVersion + kind the manifests use; anything else is an error. */
const models: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
};

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [field: string]: unknown;
}

const validate = (doc: Manifest): void => {
  const Model = models[`${doc.apiVersion}/${doc.kind}`];
  if (!Model) throw new Error(`no schema for ${doc.apiVersion} ${doc.kind}`);
  new Model(doc as never).validate();
};

const parseFile = (text: string): Manifest[] =>
  YAML.parseAllDocuments(text).map((d) => {
    if (d.errors.length > 0) throw new Error(d.errors.map((e) => e.message).join('; '));
    return d.toJS() as Manifest;
  });

const committed = Object.fromEntries(
  fs
    .readdirSync(K8S_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => [f, fs.readFileSync(path.join(K8S_DIR, f), 'utf8')]),
);
const manifests = Object.entries(committed).flatMap(([file, text]) => parseFile(text).map((doc) => ({ file, doc })));
const ofKind = <T>(kind: string): T[] => manifests.filter((m) => m.doc.kind === kind).map((m) => m.doc as unknown as T);

const SERVICES = ['order', 'escrow', 'dispute', 'notification'];

describe('deploy/k8s manifests', () => {
  it('are exactly what deploy/render.js renders (run `node deploy/render.js` after editing it)', () => {
    expect(committed).toEqual(render());
  });

  it.each(manifests.map((m) => [`${m.file} ${m.doc.kind}/${m.doc.metadata.name}`, m.doc] as const))(
    '%s validates against the Kubernetes schema',
    (_name, doc) => {
      expect(() => validate(doc)).not.toThrow();
    },
  );

  it('all live in one namespace', () => {
    const namespace = ofKind<Manifest>('Namespace')[0]!.metadata.name;
    for (const { doc } of manifests.filter((m) => m.doc.kind !== 'Namespace')) expect(doc.metadata.namespace).toBe(namespace);
  });

  describe('the validator has teeth', () => {
    const deployment = ofKind<IDeployment>('Deployment')[0]!;

    it('rejects replicas: "two"', () => {
      const broken = { ...deployment, spec: { ...deployment.spec!, replicas: 'two' } };
      expect(() => validate(broken as unknown as Manifest)).toThrow(/replicas/);
    });

    it('rejects a container name that is not a string', () => {
      const broken = structuredClone(deployment) as unknown as { spec: { template: { spec: { containers: { name: unknown }[] } } } };
      broken.spec.template.spec.containers[0]!.name = 42;
      expect(() => validate(broken as unknown as Manifest)).toThrow(/name/);
    });

    it('rejects a kind it has no schema for', () => {
      expect(() => validate({ apiVersion: 'apps/v1', kind: 'StatefulSett', metadata: { name: 'x' } })).toThrow('no schema');
    });
  });

  describe.each(SERVICES)('%s service', (name) => {
    const deployment = ofKind<IDeployment>('Deployment').find((d) => d.metadata?.name === name)!;
    const pod = (): IPodSpec => deployment.spec!.template.spec!;
    const podLabels = () => deployment.spec!.template.metadata!.labels!;
    const matches = (selector: Record<string, string> | undefined) =>
      selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => podLabels()[k] === v);

    it('has a Deployment whose selector matches its pod labels', () => {
      expect(deployment).toBeDefined();
      expect(matches(deployment.spec!.selector.matchLabels)).toBe(true);
    });

    it('probes readiness on /health/ready and liveness on /health/live, on a declared port', () => {
      for (const c of pod().containers) {
        expect(c.readinessProbe?.httpGet?.path).toBe('/health/ready');
        expect(c.livenessProbe?.httpGet?.path).toBe('/health/live');
        const ports = (c.ports ?? []).flatMap((p) => [p.name, p.containerPort]);
        expect(ports).toContain(c.readinessProbe?.httpGet?.port);
        expect(ports).toContain(c.livenessProbe?.httpGet?.port);
      }
    });

    it('sets cpu and memory requests and runs as non-root', () => {
      for (const c of pod().containers) {
        expect(c.resources?.requests).toEqual(expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }));
        expect(c.securityContext?.runAsNonRoot ?? pod().securityContext?.runAsNonRoot).toBe(true);
      }
    });

    it('has a Service selecting its pods', () => {
      const svc = ofKind<IService>('Service').find((s) => s.metadata?.name === name);
      expect(matches(svc?.spec?.selector)).toBe(true);
    });

    it('has a PodDisruptionBudget over its pods that still lets a node drain', () => {
      const pdb = ofKind<IPodDisruptionBudget>('PodDisruptionBudget').find((p) => matches(p.spec?.selector?.matchLabels));
      expect(pdb).toBeDefined();
      expect(typeof pdb!.spec!.minAvailable).toBe('number');
      // The HPA owns the scale (no spec.replicas): its floor is what the budget must stay below.
      const hpa = ofKind<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler').find((h) => h.spec?.scaleTargetRef.name === name);
      expect(deployment.spec!.replicas).toBeUndefined();
      expect(pdb!.spec!.minAvailable as number).toBeLessThan(hpa!.spec!.minReplicas ?? 1);
    });

    it('has a HorizontalPodAutoscaler on its Deployment', () => {
      const hpa = ofKind<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler').find(
        (h) => h.spec?.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === name,
      );
      expect(hpa).toBeDefined();
      expect(hpa!.spec!.maxReplicas).toBeGreaterThan(hpa!.spec!.minReplicas ?? 1);
    });
  });

  it('the migration Job runs every service’s migrations as non-root', () => {
    const [job] = ofKind<IJob>('Job');
    const spec = job!.spec!.template.spec!;
    expect(spec.containers.map((c) => c.name).sort()).toEqual(SERVICES.map((s) => `migrate-${s}`).sort());
    expect(spec.securityContext?.runAsNonRoot).toBe(true);
  });
  it('the migration Job is named per release, so the next release applies (a Job template is immutable)', () => {
    const [job] = ofKind<IJob>('Job');
    expect(job!.metadata!.name).toBe(`migrate-${RELEASE.replace(/\./g, '-')}`);
    const other = execFileSync(process.execPath, ['-e', "process.stdout.write(require('./deploy/render.js').render()['02-migrate-job.yaml'])"], {
      cwd: ROOT,
      env: { ...process.env, RELEASE: '9.9.9' },
    }).toString();
    expect(parseFile(other)[0]!.metadata.name).toBe('migrate-9-9-9');
  });

  it('pins every container to the release tag, never :latest', () => {
    const containers = [
      ...ofKind<IDeployment>('Deployment').flatMap((d) => d.spec!.template.spec!.containers),
      ...ofKind<IJob>('Job').flatMap((j) => j.spec!.template.spec!.containers),
    ];
    expect(containers.length).toBeGreaterThan(4);
    for (const c of containers) {
      expect(c.image).toBe(IMAGE);
      expect(c.image).toMatch(/:(\d+\.\d+\.\d+[\w.-]*|[\w.-]*@sha256:[0-9a-f]{64})$/);
      expect(c.image).not.toMatch(/:latest$/);
    }
  });

  describe('NetworkPolicy', () => {
    const policies = ofKind<INetworkPolicy>('NetworkPolicy');

    it('denies ingress to every pod of the namespace by default', () => {
      expect(policies.some((p) => Object.keys(p.spec?.podSelector ?? {}).length === 0 && p.spec?.policyTypes?.includes('Ingress') && !p.spec.ingress)).toBe(
        true,
      );
    });

    it.each(SERVICES)('admits only the %s service’s own HTTP port to its pods', (name) => {
      const deployment = ofKind<IDeployment>('Deployment').find((d) => d.metadata?.name === name)!;
      const podLabels = deployment.spec!.template.metadata!.labels!;
      const own = policies.filter((p) => {
        const sel = p.spec?.podSelector?.matchLabels ?? {};
        return Object.keys(sel).length > 0 && Object.entries(sel).every(([k, v]) => podLabels[k] === v);
      });
      expect(own).toHaveLength(1);
      const ports = own[0]!.spec!.ingress!.flatMap((r) => (r.ports ?? []).map((p) => p.port));
      expect(ports).toEqual(deployment.spec!.template.spec!.containers[0]!.ports!.map((p) => p.containerPort));
    });
  });

  describe('storage: every path a service writes is a mounted volume or an external store', () => {
    /** Every source file that writes to the file system, and what takes that write in a deployment. */
    const WRITERS: Record<string, { service: string; dir: (env: Record<string, string>) => string; externalWhen: string } | { devOnly: string }> = {
      'services/dispute/src/infra/local-blob-store.ts': {
        service: 'dispute',
        dir: (e) => e.BLOB_DIR ?? `${e.DATA_DIR}/evidence`,
        externalWhen: 'EVIDENCE_S3_BUCKET',
      },
      'services/notification/src/infra/mailer.ts': { service: 'notification', dir: (e) => `${e.DATA_DIR}/mail`, externalWhen: 'SMTP_URL' },
      'libs/http/src/auth/dev-token.ts': { devOnly: 'the dev secret file: npm start and npm run token only; services read JWT_* settings' },
      'system/src/contracts/publish.ts': { devOnly: 'npm run contracts:publish writes libs/contracts/published/ in a checkout; no service runs it' },
    };
    // Not in what a deployed service runs: test and dev tooling, and `npm start`'s supervisor.
    const NOT_DEPLOYED = ['libs/testing/', 'libs/kafka-devbroker/', 'libs/kafka-apache/', 'system/src/start'];
    const WRITE_CALL =
      /\b(writeFile|writeFileSync|appendFile|appendFileSync|mkdir|mkdirSync|mkdtemp|mkdtempSync|createWriteStream|rename|renameSync|copyFile|cp)\s*\(/;

    const sourcesUnder = (dir: string): string[] =>
      fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
        const rel = `${dir}/${e.name}`;
        if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : sourcesUnder(rel);
        return rel.endsWith('.ts') ? [rel] : [];
      });
    const roots = [
      ...fs.readdirSync(path.join(ROOT, 'services')).map((s) => `services/${s}/src`),
      ...fs.readdirSync(path.join(ROOT, 'libs')).map((l) => `libs/${l}/src`),
      'system/src',
    ];
    const writers = roots
      .filter((r) => fs.existsSync(path.join(ROOT, r)))
      .flatMap(sourcesUnder)
      .filter((f) => !NOT_DEPLOYED.some((p) => f.startsWith(p)))
      .filter((f) => WRITE_CALL.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));

    const dockerEnv = Object.fromEntries(
      [...fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8').matchAll(/^ENV (\w+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]),
    );
    const configMap = ofKind<IConfigMap>('ConfigMap')[0]!;

    /** What is wrong with where `service`'s writes go, given its pod and the ConfigMap. */
    const problems = (service: string, pod: IPodSpec, cm: IConfigMap): string[] => {
      const c = pod.containers[0] as IContainer;
      const values: Record<string, string> = { ...dockerEnv, ...(cm.data ?? {}) };
      const set = new Set(
        Object.entries(values)
          .filter(([, v]) => v !== '')
          .map(([k]) => k),
      );
      for (const e of c.env ?? []) {
        if (e.value !== undefined) values[e.name] = e.value;
        if ((e.value !== undefined && e.value !== '') || (e.valueFrom?.secretKeyRef && !e.valueFrom.secretKeyRef.optional)) set.add(e.name);
      }
      const mounts = (c.volumeMounts ?? []).map((m) => m.mountPath.replace(/\/$/, ''));
      return Object.entries(WRITERS).flatMap(([file, w]) => {
        if ('devOnly' in w || w.service !== service || set.has(w.externalWhen)) return [];
        const dir = w.dir(values);
        return mounts.some((m) => dir === m || dir.startsWith(`${m}/`)) ? [] : [`${file} writes ${dir}: neither a volume nor ${w.externalWhen}`];
      });
    };

    it('knows every source file of the deployed code that writes files (classify a new one in WRITERS)', () => {
      expect(writers.sort()).toEqual(Object.keys(WRITERS).sort());
    });

    it.each(SERVICES)('%s: each write goes to a volume or to its external store', (name) => {
      const pod = ofKind<IDeployment>('Deployment').find((d) => d.metadata?.name === name)!.spec!.template.spec!;
      expect(problems(name, pod, configMap)).toEqual([]);
    });

    it('has teeth: without EVIDENCE_S3_BUCKET the read-only dispute pod has nowhere to keep evidence; a volume at BLOB_DIR fixes it', () => {
      const pod = ofKind<IDeployment>('Deployment').find((d) => d.metadata?.name === 'dispute')!.spec!.template.spec!;
      const { EVIDENCE_S3_BUCKET: _gone, ...data } = configMap.data!;
      const noS3 = { ...configMap, data };
      expect(problems('dispute', pod, noS3)).toEqual([expect.stringMatching(/local-blob-store\.ts writes \/data\/evidence/)]);
      const withVolume = structuredClone(pod);
      withVolume.containers[0]!.volumeMounts = [{ name: 'evidence', mountPath: '/data/evidence' }];
      expect(problems('dispute', withVolume, noS3)).toEqual([]);
    });
  });

  describe('the Secret: every key deploy/README.md tells an operator to set reaches its containers', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'deploy/README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## The Secret'));
    const rows = [...section.matchAll(/^\| `([a-z0-9-]+)` \| `([A-Z0-9_]+)` \| ([a-z, ]+) \| (yes|no)\b.*\|$/gm)].map((m) => ({
      key: m[1]!,
      env: m[2]!,
      containers: m[3]!.split(/,\s*/),
      required: m[4] === 'yes',
    }));
    const containersOf = (scope: string[]): { name: string; c: IContainer }[] => {
      const names = scope.includes('all') ? SERVICES : scope;
      const deployed = ofKind<IDeployment>('Deployment').flatMap((d) => d.spec!.template.spec!.containers.map((c) => ({ name: d.metadata!.name!, c })));
      const migrations = ofKind<IJob>('Job').flatMap((j) => j.spec!.template.spec!.containers.map((c) => ({ name: c.name.replace(/^migrate-/, ''), c })));
      return [...deployed, ...migrations].filter((x) => names.includes(x.name));
    };

    it('the README lists the Secret keys, the SASL/TLS ones among them', () => {
      expect(rows.map((r) => r.env)).toEqual(
        expect.arrayContaining([
          'DATABASE_URL',
          'KAFKA_BROKERS',
          'SMTP_URL',
          'KAFKA_SSL',
          'KAFKA_SASL_MECHANISM',
          'KAFKA_SASL_USERNAME',
          'KAFKA_SASL_PASSWORD',
        ]),
      );
    });

    it.each(rows.map((r) => [r.key, r] as const))('%s', (_key, row) => {
      const targets = containersOf(row.containers);
      expect(targets.length).toBeGreaterThanOrEqual(row.containers.includes('all') ? 8 : 2);
      for (const { c } of targets) {
        const ref = c.env?.find((e) => e.name === row.env)?.valueFrom?.secretKeyRef;
        expect({ container: c.name, ref }).toEqual({ container: c.name, ref: expect.objectContaining({ name: 'buyer-protection', key: row.key }) });
        expect(ref?.optional === true).toBe(!row.required);
      }
    });

    it('every secret reference in the manifests is documented in the README', () => {
      const refs = new Set(
        [
          ...ofKind<IDeployment>('Deployment').flatMap((d) => d.spec!.template.spec!.containers),
          ...ofKind<IJob>('Job').flatMap((j) => j.spec!.template.spec!.containers),
        ]
          .flatMap((c) => c.env ?? [])
          .flatMap((e) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef.key] : [])),
      );
      expect([...refs].sort()).toEqual(rows.map((r) => r.key).sort());
    });

    it('the variables they feed are the ones the Kafka factory reads', () => {
      const kafkaEnv = fs.readFileSync(path.join(ROOT, 'libs/messaging/src/kafkajs/kafka-env.ts'), 'utf8');
      for (const v of ['KAFKA_SSL', 'KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'KAFKA_BROKERS'])
        expect(kafkaEnv).toContain(`env.${v}`);
    });
  });
});
