// Root Vitest configuration: unit tests of every package. Browser tests live in e2e/ (Playwright).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const engineSource = fileURLToPath(new URL('./packages/engine/src/', import.meta.url));

export default defineConfig({
  // Unit tests of the worker and client run against the engine's sources, not its built dist/.
  resolve: {
    alias: [
      { find: /^@hearth\/engine\/node$/, replacement: `${engineSource}node.ts` },
      { find: /^@hearth\/engine$/, replacement: `${engineSource}index.ts` },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
