// deploy/k8s/*.yaml: current with deploy/render.js, valid against the Kubernetes schemas
// (kubernetes-models 4.5.1), and sane for production (probes, PDB, HPA, requests, non-root).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import YAML from 'yaml';

const K8S_DIR = path.join(__dirname, '../../deploy/k8s');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { render } = require('../../deploy/render.js') as { render: () => Record<string, string> };

/** The model class of each apiVersion + kind the manifests use; anything else is an error. */
const models: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
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

  it.each(manifests.map((m) => [`${m.file} ${m.doc.kind}/${m.doc.metadata.name}`, m.doc] as const))('%s validates against the Kubernetes schema', (_name, doc) => {
    expect(() => validate(doc)).not.toThrow();
  });

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
      const hpa = ofKind<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler').find((h) => h.spec?.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === name);
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
});
