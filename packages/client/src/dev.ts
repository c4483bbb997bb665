/**
 * @hearth/client under the `development` export condition (dev servers): the browser entry (index.ts),
 * plus a way out of dependency pre-bundling. Vite's dev server bundles this package into
 * `node_modules/.vite/deps/` (vitejs/vite#8427) and leaves `new URL('./worker.js', import.meta.url)`
 * pointing at a file that is not there. So, when this module finds itself pre-bundled there, it starts the
 * default worker from its own URL — the bundle holds the worker's code too, since this module imports
 * `serve` — and, run as that worker (recognized by its name), it serves. Elsewhere it changes nothing.
 *
 * Production builds resolve `default` (index.ts), which does not import the worker's code into the page.
 */
import { serve } from '@hearth/worker';
import { overrideDefaultWorker } from './worker-start.js';

export * from './index.js';

/** The name of a worker that runs this very module to serve (set by the page that starts it). */
const SELF_WORKER_NAME = 'hearth (from the pre-bundled client)';

/** Whether a dev server's dependency optimizer moved this module into its cache (`…/.vite/deps/…`). */
function preBundled(url: string): boolean {
  return new URL(url).pathname.includes('/.vite/deps/');
}

function runningAsSelfWorker(): boolean {
  const scope = globalThis as { WorkerGlobalScope?: unknown; name?: unknown };
  return typeof scope.WorkerGlobalScope === 'function' && scope.name === SELF_WORKER_NAME;
}

if (runningAsSelfWorker()) {
  serve();
} else if (preBundled(import.meta.url)) {
  overrideDefaultWorker(() => new Worker(import.meta.url, { type: 'module', name: SELF_WORKER_NAME }));
}
