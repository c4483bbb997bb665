/**
 * An engine's worker thread in the Node variant, the counterpart of the browser's engine worker: it loads its
 * engine on demand (so a cold start includes loading it), opens a fresh database in the run's temp dir, and
 * measures its own heap (the main thread cannot see a worker's isolate).
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import type { Driver } from '../drivers/driver.js';
import { nodeOpener } from '../drivers/node-engines.js';
import type { EngineConfig } from '../engines.js';
import { type FromWorker, type ToWorker } from '../protocol.js';
import type { HeapSample } from '../results.js';
import { CROSSING_SQL, type WorkloadHost, coldStartSql, measureEngineHeap, runWorkloads, seedColdStart } from '../workloads.js';

const port = parentPort!;
const { dir } = workerData as { dir: string };
let db: Driver | null = null;

function post(message: FromWorker): void {
  port.postMessage(message);
}

async function open(config: EngineConfig): Promise<Driver> {
  const openDriver = await nodeOpener(config.engine, dir)();
  db = await openDriver(config.storage, `${config.id}.db`);
  return db;
}

async function measureHeap(): Promise<HeapSample | null> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const stats = getHeapStatistics() as ReturnType<typeof getHeapStatistics> & { external_memory?: number };
  return { jsHeapUsed: stats.used_heap_size, external: stats.external_memory ?? null, wasmMemory: null };
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'cold': {
      const driver = await open(message.config);
      if (message.seed) await seedColdStart(driver);
      post({ type: 'cold-done', rows: await driver.query(coldStartSql(message.config.storage), [[]]) });
      return;
    }
    case 'run': {
      const driver = await open(message.config);
      const host: WorkloadHost = {
        now: () => performance.now(),
        measureHeap,
        progress: (workload, result) => post({ type: 'progress', workload, result }),
      };
      const outcome = await runWorkloads(driver, message.sizes, host);
      post({ type: 'done', ...outcome, heap: await measureEngineHeap(driver, host) });
      return;
    }
    case 'cross': {
      if (!db) throw new Error('no database open');
      const [rows] = await db.query(CROSSING_SQL, [message.params]);
      post({ type: 'rows', rows: rows! });
      return;
    }
    case 'heap':
      return;
    case 'close':
      await db?.close();
      db = null;
      post({ type: 'closed' });
      return;
  }
}

port.on('message', (message: ToWorker) => {
  handle(message).catch((error: unknown) => post({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
});
