#!/usr/bin/env node
// Renders the Kubernetes manifests under deploy/k8s from one description of the services, so the
// four Deployments never drift apart. `node deploy/render.js` rewrites them; a test checks they are
// current and valid against the Kubernetes schemas.
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const NAMESPACE = 'buyer-protection';
const IMAGE = 'ghcr.io/marketplace/buyer-protection:latest';
const services = [
  { name: 'order', port: 3001, replicas: 2 },
  { name: 'escrow', port: 3002, replicas: 2 },
  { name: 'dispute', port: 3003, replicas: 2 },
  { name: 'notification', port: 3004, replicas: 2 },
];

const labels = (name) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'buyer-protection' });
const meta = (name) => ({ name, namespace: NAMESPACE, labels: labels(name) });
const secretEnv = (name, key) => ({ name, valueFrom: { secretKeyRef: { name: 'buyer-protection', key } } });

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
  },
};

const container = (s, command) => ({
  name: s.name,
  image: IMAGE,
  ...(command ? { command } : {}),
  env: [
    { name: 'SERVICE', value: s.name },
    { name: 'PORT', value: String(s.port) },
    secretEnv('DATABASE_URL', 'database-url'),
    secretEnv('KAFKA_BROKERS', 'kafka-brokers'),
    ...(s.name === 'notification' ? [secretEnv('SMTP_URL', 'smtp-url')] : []),
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
const migrationJob = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: meta('migrate'),
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

const files = {
  '00-namespace.yaml': [namespace],
  '01-config.yaml': [configMap],
  '02-migrate-job.yaml': [migrationJob],
  ...Object.fromEntries(services.map((s) => [`10-${s.name}.yaml`, [deployment(s), service(s), pdb(s), hpa(s)]])),
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
  for (const [file, text] of Object.entries(render())) fs.writeFileSync(path.join(dir, file), text);
}
module.exports = { render, NAMESPACE };
