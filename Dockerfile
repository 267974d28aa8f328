# syntax=docker/dockerfile:1
# Node 24, the current LTS line (Node 20 reached end of life on 2026-04-30); CI runs the test
# suite on the same major (.ci/run). Build stage: compile TypeScript with the dev toolchain.
FROM node:24-slim AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build

# Runtime stage: production dependencies only, non-root.
FROM node:24-slim
WORKDIR /connector
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /build/dist ./dist
COPY resources ./resources
COPY proto ./proto

LABEL FLOW_RUNTIME_PROTOCOL=capture
LABEL FLOW_RUNTIME_CODEC=json
LABEL dev.estuary.usage-rate=1.0
ENV FLOW_RUNTIME_CODEC=json

USER node
# The whole argv: Flow's connector-init ignores CMD when ENTRYPOINT is set.
ENTRYPOINT ["node", "/connector/dist/main.js"]
