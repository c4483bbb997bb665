/**
 * An engine's dedicated worker in the bench page. It loads only its own engine (a dynamic import, so the
 * cold start includes fetching and compiling it), opens a fresh database, and runs what the page asks:
 * a cold-start query, the workloads, or the crossing query whose rows go back to the main thread.
 * The worker cannot see its own heap: the page samples it over the DevTools protocol when asked.
 */
import type { OpenDriver } from '../drivers/driver.js';
import { engineHost } from '../engine-host.js';
import type { FromWorker, ToWorker } from '../protocol.js';
import type { HeapSample } from '../results.js';

/** The worker's global scope, typed with what this file uses (the project compiles against the DOM lib). */
const scope = self as unknown as { postMessage(message: FromWorker): void; onmessage: ((event: MessageEvent<ToWorker>) => void) | null };

async function loadEngine(engine: string): Promise<OpenDriver> {
  switch (engine) {
    case 'hearth':
      return (await import('../drivers/hearth.js')).openHearth;
    case 'sqlite-wasm':
      return (await import('../drivers/sqlite-wasm.js')).openSqliteWasm;
    case 'turso':
      return (await import('../drivers/turso.js')).openTurso;
    case 'wa-sqlite':
      return (await import('../drivers/wa-sqlite.js')).openWaSqlite;
    default:
      throw new Error(`unknown engine ${engine}`);
  }
}

function post(message: FromWorker): void {
  scope.postMessage(message);
}

/** The page's answer to the heap sample this worker asked for last. */
let heapReply: ((sample: HeapSample | null) => void) | null = null;

const handle = engineHost({
  post,
  loadEngine,
  measureHeap: () =>
    new Promise((resolve) => {
      heapReply = resolve;
      post({ type: 'heap?' });
    }),
  onHeapSample: (sample) => {
    heapReply?.(sample);
    heapReply = null;
  },
});

scope.onmessage = (event) => handle(event.data);
