# The headless server with the built web UI (deploy/ runs it). Node 24 runs the TypeScript
# sources directly; only the runtime dependencies and the built renderer go in the image.
FROM node:24-slim AS build
WORKDIR /app
# The Electron binary is for the desktop app, not this image.
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1
COPY package.json package-lock.json .npmrc ./
COPY scripts/check-node.mjs scripts/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx electron-vite build

FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY main ./main
COPY preload ./preload
COPY --from=build /app/out/renderer ./out/renderer
USER 1000
EXPOSE 8080
# A young generation of 8 MB: V8 otherwise grows it to 64 MB per semi-space under the first sync
# of a large cluster and keeps the pages resident (npm run bench: resident memory).
ENTRYPOINT ["node", "--max-semi-space-size=8", "main/serve.ts"]
CMD ["--host", "0.0.0.0", "--port", "8080"]
