# One image for the four services; SERVICE picks which one runs (order|escrow|dispute|notification).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY libs ./libs
COPY services ./services
COPY tests/package.json ./tests/package.json
RUN npm ci --no-audit --no-fund && npx tsc -b && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app /app
USER node
ENV SERVICE=order
CMD ["sh", "-c", "exec node services/${SERVICE}/dist/main.js"]
