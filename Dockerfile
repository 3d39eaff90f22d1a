# One image for the four services; SERVICE picks which one runs (order|escrow|dispute|notification).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY libs ./libs
COPY services ./services
# tsconfig.json references system/ (npm run ops: replay, verify… inside the image) and npm ci needs
# every workspace's package.json.
COPY system ./system
COPY tests/package.json ./tests/package.json
RUN npm ci --no-audit --no-fund && npx tsc -b && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
# Listen on every interface: 127.0.0.1 (the default, right for npm start) is unreachable from outside a container.
ENV HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app /app
USER node
ENV SERVICE=order
CMD ["sh", "-c", "exec node services/${SERVICE}/dist/main.js"]
