/**
 * An engine's worker thread in the Node variant, the counterpart of the browser's engine worker: it loads its
 * engine on demand (so a cold start includes loading it), opens a fresh database in the run's temp dir, and
 * measures its own heap (the main thread cannot see a worker's isolate).
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { nodeOpener } from '../drivers/node-engines.js';
import { engineHost } from '../engine-host.js';
import type { FromWorker, ToWorker } from '../protocol.js';
import type { HeapSample } from '../results.js';

const port = parentPort!;
const { dir } = workerData as { dir: string };

async function measureHeap(): Promise<HeapSample | null> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const stats = getHeapStatistics() as ReturnType<typeof getHeapStatistics> & { external_memory?: number };
  return { jsHeapUsed: stats.used_heap_size, external: stats.external_memory ?? null, wasmMemory: null };
}

const handle = engineHost({
  post: (message: FromWorker) => port.postMessage(message),
  loadEngine: (engine) => nodeOpener(engine, dir)(),
  measureHeap,
});

port.on('message', (message: ToWorker) => handle(message));
