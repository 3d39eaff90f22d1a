// The image's HEALTHCHECK (and compose's): the service answers /health/ready on its port.
// Node, not curl: the slim base image has neither curl nor wget. Exit 0 healthy, 1 not.
const defaults = { order: 3001, escrow: 3002, dispute: 3003, notification: 3004 };
const port = process.env.PORT || defaults[process.env.SERVICE] || 3001;
fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(2500) }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  () => process.exit(1),
);
