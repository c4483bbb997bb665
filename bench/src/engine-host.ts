/**
 * What an engine's worker does with the orchestrator's requests, the same in the browser and in Node:
 * open a fresh database (keeping it for the crossing query and `close`), answer a cold start, run the
 * workloads, and send the crossing rows. Each worker supplies how it posts, opens its engine and
 * samples its heap.
 */
import type { Driver, OpenDriver } from './drivers/driver.js';
import type { EngineConfig } from './engines.js';
import type { FromWorker, ToWorker } from './protocol.js';
import type { HeapSample } from './results.js';
import { CROSSING_SQL, type WorkloadHost, coldStartSql, measureEngineHeap, runWorkloads, seedColdStart } from './workloads.js';

/** What the worker around the handler provides. */
export interface EngineHostEnv {
  post(message: FromWorker): void;
  /** The engine's driver factory, loaded on demand (so a cold start includes loading it). */
  loadEngine(engine: string): Promise<OpenDriver>;
  measureHeap(): Promise<HeapSample | null>;
  /** A heap sample the main thread took for this worker (browser only). */
  onHeapSample?(sample: HeapSample | null): void;
}

/** Returns the message handler; errors are posted back rather than thrown. */
export function engineHost(env: EngineHostEnv): (message: ToWorker) => void {
  let db: Driver | null = null;

  async function open(config: EngineConfig): Promise<Driver> {
    const openDriver = await env.loadEngine(config.engine);
    db = await openDriver(config.storage, `${config.id}.db`);
    return db;
  }

  async function handle(message: ToWorker): Promise<void> {
    switch (message.type) {
      case 'cold': {
        const driver = await open(message.config);
        if (message.seed) await seedColdStart(driver);
        env.post({ type: 'cold-done', rows: await driver.query(coldStartSql(message.config.storage), [[]]) });
        return;
      }
      case 'run': {
        const driver = await open(message.config);
        const host: WorkloadHost = {
          now: () => performance.now(),
          measureHeap: () => env.measureHeap(),
          progress: (workload, result) => env.post({ type: 'progress', workload, result }),
        };
        const outcome = await runWorkloads(driver, message.sizes, host);
        env.post({ type: 'done', ...outcome, heap: await measureEngineHeap(driver, host) });
        return;
      }
      case 'cross': {
        if (!db) throw new Error('no database open');
        const [rows] = await db.query(CROSSING_SQL, [message.params]);
        env.post({ type: 'rows', rows: rows! });
        return;
      }
      case 'heap':
        env.onHeapSample?.(message.sample);
        return;
      case 'close':
        await db?.close();
        db = null;
        env.post({ type: 'closed' });
        return;
    }
  }

  return (message) => {
    handle(message).catch((error: unknown) => env.post({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
  };
}
