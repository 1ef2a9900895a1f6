import { defineConfig } from 'vitest/config';

// Tests start real servers on loopback (the simulated cluster and Ollama) and real Chromium:
// two workers fit the 2-core machines this runs on.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default'],
  },
});
