#!/usr/bin/env node
// Renders the Kubernetes manifests under deploy/k8s from one description of the services, so the
// four Deployments never drift apart. `node deploy/render.js` rewrites them; a test checks they are
// current and valid against the Kubernetes schemas.
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const NAMESPACE = 'buyer-protection';
// A pinned tag, never :latest: the release is the root package.json version (RELEASE overrides, e.g.
// a CI build number), so a rollout and its rollback name exactly which image runs.
const RELEASE = process.env.RELEASE ?? require('../package.json').version;
const IMAGE = `ghcr.io/marketplace/buyer-protection:${RELEASE}`;
const SECRET = 'buyer-protection';
const services = [
  { name: 'order', port: 3001, replicas: 2 },
  { name: 'escrow', port: 3002, replicas: 2 },
  { name: 'dispute', port: 3003, replicas: 2 },
  { name: 'notification', port: 3004, replicas: 2 },
];

const labels = (name) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'buyer-protection' });
const meta = (name) => ({ name, namespace: NAMESPACE, labels: labels(name) });
const secretEnv = ({ env, key, optional }) => ({ name: env, valueFrom: { secretKeyRef: { name: SECRET, key, ...(optional ? { optional: true } : {}) } } });

const configMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: meta('buyer-protection'),
  data: {
    HOST: '0.0.0.0',
    CLOCK: 'system',
    LOG_LEVEL: 'info',
    JWT_JWKS_URL: 'https://auth.example.com/.well-known/jwks.json',
    SERVICE_URLS: services.map((s) => `${s.name}=http://${s.name}:${s.port}`).join(','),
    // Browser storefronts allowed to call the APIs (docs/http-api.md); none until set.
    CORS_ORIGINS: '',
    // Dispute evidence lives in S3 (the root file system is read-only); keys from the Secret, or
    // none at all for the SDK's credential chain (IRSA / workload identity on the ServiceAccount).
    EVIDENCE_S3_BUCKET: 'buyer-protection-evidence',
    EVIDENCE_S3_REGION: 'eu-central-1',
  },
};

/**
 * The Secret `buyer-protection`, created out of band (deploy/README.md lists the same keys): which key
 * feeds which variable, in which containers ('all' = the four services and the migration), and
 * whether a cluster may leave it out (optional keys are for managed Kafka SASL/TLS and static S3 keys).
 */
const secretKeys = [
  { key: 'database-url', env: 'DATABASE_URL', in: 'all', optional: false },
  { key: 'kafka-brokers', env: 'KAFKA_BROKERS', in: 'all', optional: false },
  { key: 'kafka-ssl', env: 'KAFKA_SSL', in: 'all', optional: true },
  { key: 'kafka-sasl-mechanism', env: 'KAFKA_SASL_MECHANISM', in: 'all', optional: true },
  { key: 'kafka-sasl-username', env: 'KAFKA_SASL_USERNAME', in: 'all', optional: true },
  { key: 'kafka-sasl-password', env: 'KAFKA_SASL_PASSWORD', in: 'all', optional: true },
  { key: 'smtp-url', env: 'SMTP_URL', in: 'notification', optional: false },
  { key: 'evidence-s3-access-key-id', env: 'EVIDENCE_S3_ACCESS_KEY_ID', in: 'dispute', optional: true },
  { key: 'evidence-s3-secret-access-key', env: 'EVIDENCE_S3_SECRET_ACCESS_KEY', in: 'dispute', optional: true },
];

const container = (s, command) => ({
  name: s.name,
  image: IMAGE,
  ...(command ? { command } : {}),
  env: [
    { name: 'SERVICE', value: s.name },
    { name: 'PORT', value: String(s.port) },
    ...secretKeys.filter((k) => k.in === 'all' || k.in === s.name).map(secretEnv),
  ],
  envFrom: [{ configMapRef: { name: 'buyer-protection' } }],
});

const deployment = (s) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: meta(s.name),
  // No spec.replicas: the HPA owns the scale, and `kubectl apply` must not reset it.
  spec: {
    selector: { matchLabels: labels(s.name) },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
    template: {
      metadata: { labels: labels(s.name), annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(s.port), 'prometheus.io/path': '/metrics' } },
      spec: {
        terminationGracePeriodSeconds: 30,
        securityContext: { runAsNonRoot: true, runAsUser: 1000 },
        containers: [
          {
            ...container(s),
            ports: [{ name: 'http', containerPort: s.port }],
            readinessProbe: { httpGet: { path: '/health/ready', port: 'http' }, periodSeconds: 5, failureThreshold: 3 },
            livenessProbe: { httpGet: { path: '/health/live', port: 'http' }, periodSeconds: 10, failureThreshold: 6 },
            startupProbe: { httpGet: { path: '/health/live', port: 'http' }, periodSeconds: 2, failureThreshold: 30 },
            resources: { requests: { cpu: '250m', memory: '192Mi' }, limits: { memory: '384Mi' } },
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          },
        ],
      },
    },
  },
});

const service = (s) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: meta(s.name),
  spec: { selector: labels(s.name), ports: [{ name: 'http', port: s.port, targetPort: 'http' }] },
});

const pdb = (s) => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: meta(s.name),
  spec: { minAvailable: 1, selector: { matchLabels: labels(s.name) } },
});

const hpa = (s) => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: meta(s.name),
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: s.name },
    minReplicas: s.replicas,
    maxReplicas: 8,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
  },
});

// Migrations run once per release, before the new pods roll out (each service also migrates
// idempotently at start, under an advisory lock, so the Job is an early, visible failure point).
// A Job's pod template is immutable, so the Job is named per release: applying the next release
// creates a new Job instead of failing on the old one, and re-applying the same release is a no-op.
const migrationJob = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { ...meta(`migrate-${RELEASE.replace(/[^a-z0-9-]/gi, '-').toLowerCase()}`), labels: { ...labels('migrate'), 'app.kubernetes.io/version': RELEASE } },
  spec: {
    backoffLimit: 3,
    ttlSecondsAfterFinished: 3600,
    template: {
      metadata: { labels: labels('migrate') },
      spec: {
        restartPolicy: 'OnFailure',
        securityContext: { runAsNonRoot: true, runAsUser: 1000 },
        containers: services.map((s) => ({
          ...container(s, ['node', `services/${s.name}/dist/migrate.js`]),
          name: `migrate-${s.name}`,
          resources: { requests: { cpu: '50m', memory: '96Mi' }, limits: { memory: '192Mi' } },
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        })),
      },
    },
  },
};

const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE, labels: { 'app.kubernetes.io/part-of': 'buyer-protection' } } };

// Ingress is denied by default; each service takes HTTP on its port from the other pods of the
// namespace and from namespaces labelled buyer-protection/api-access=true (the ingress controller,
// Prometheus). Egress stays open: Postgres, Kafka, SMTP, S3 and the JWKS endpoint are outside.
const denyAllIngress = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: meta('default-deny-ingress'),
  spec: { podSelector: {}, policyTypes: ['Ingress'] },
};
const networkPolicy = (s) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: meta(s.name),
  spec: {
    podSelector: { matchLabels: labels(s.name) },
    policyTypes: ['Ingress'],
    ingress: [
      {
        from: [
          { podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'buyer-protection' } } },
          { namespaceSelector: { matchLabels: { 'buyer-protection/api-access': 'true' } } },
        ],
        ports: [{ protocol: 'TCP', port: s.port }],
      },
    ],
  },
});

const files = {
  '00-namespace.yaml': [namespace],
  '01-config.yaml': [configMap],
  '02-migrate-job.yaml': [migrationJob],
  '03-network-policy.yaml': [denyAllIngress],
  ...Object.fromEntries(services.map((s) => [`10-${s.name}.yaml`, [deployment(s), service(s), pdb(s), hpa(s), networkPolicy(s)]])),
};

const render = () =>
  Object.fromEntries(
    Object.entries(files).map(([file, docs]) => [
      file,
      `# Generated by deploy/render.js — edit that, not this.\n` + docs.map((d) => YAML.stringify(d)).join('---\n'),
    ]),
  );

if (require.main === module) {
  const dir = path.join(__dirname, 'k8s');
  const rendered = render();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml') && !(f in rendered))) fs.unlinkSync(path.join(dir, file));
  for (const [file, text] of Object.entries(rendered)) fs.writeFileSync(path.join(dir, file), text);
}
module.exports = { render, NAMESPACE, RELEASE, IMAGE, secretKeys };
