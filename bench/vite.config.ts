// Builds the bench page (bench/dist): the page, one engine-worker bundle whose engines are separate chunks
// loaded on demand, the OPFS floor worker, and the worker behind the crossing's @hearth/client connection.
// Hearth (engine, worker and client) is bundled from its TypeScript source.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: {
    alias: {
      '@hearth/engine': fileURLToPath(new URL('../packages/engine/src/index.ts', import.meta.url)),
      '@hearth/worker': fileURLToPath(new URL('../packages/worker/src/index.ts', import.meta.url)),
      '@hearth/client': fileURLToPath(new URL('../packages/client/src/index.ts', import.meta.url)),
    },
  },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 20_000,
  },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['@sqlite.org/sqlite-wasm', '@tursodatabase/database-wasm', '@journeyapps/wa-sqlite'] },
});
