/**
 * How @hearth/client starts its default worker. Bundlers find the worker script through the literal
 * `new Worker(new URL('./worker.js', import.meta.url), …)` below (it must stay written inline so) and ship
 * it beside the page's code; the development entry (dev.ts) may put another way in its place, for a dev
 * server that moved this module away from `worker.js`.
 */

let override: (() => Worker) | null = null;

/** Starts the worker that serves the page's connections when `connect` is given none. */
export function startDefaultWorker(): Worker {
  if (override) return override();
  return new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'hearth' });
}

/** Makes `start` the way the default worker is started (the development entry's hook). */
export function overrideDefaultWorker(start: () => Worker): void {
  override = start;
}
