// Root Vitest configuration: unit tests of every package. Browser tests live in e2e/ (Playwright).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const engineSource = fileURLToPath(new URL('./packages/engine/src/', import.meta.url));
const workerSource = fileURLToPath(new URL('./packages/worker/src/', import.meta.url));
const clientSource = fileURLToPath(new URL('./packages/client/src/', import.meta.url));

export default defineConfig({
  // Unit tests run against the sources of the packages they import, not dist/ (which shell.test.ts may be
  // rebuilding meanwhile). Tests run in Node, so the client resolves to its Node entry, as its `node`
  // export condition does.
  resolve: {
    alias: [
      { find: /^@hearth\/engine\/node$/, replacement: `${engineSource}node.ts` },
      { find: /^@hearth\/engine$/, replacement: `${engineSource}index.ts` },
      { find: /^@hearth\/worker$/, replacement: `${workerSource}index.ts` },
      { find: /^@hearth\/client$/, replacement: `${clientSource}node.ts` },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
