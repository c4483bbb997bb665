/**
 * An engine's dedicated worker in the bench page. It loads only its own engine (a dynamic import, so the
 * cold start includes fetching and compiling it), opens a fresh database, and runs what the page asks:
 * a cold-start query, the workloads, or the crossing query whose rows go back to the main thread.
 */
import type { Driver, OpenDriver } from '../drivers/driver.js';
import type { EngineConfig } from '../engines.js';
import type { HeapSample } from '../results.js';
import { CROSSING_SQL, type WorkloadHost, coldStartSql, measureEngineHeap, runWorkloads, seedColdStart } from '../workloads.js';
import { type FromWorker, type ToWorker } from '../protocol.js';

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
    default:
      throw new Error(`unknown engine ${engine}`);
  }
}

function post(message: FromWorker): void {
  scope.postMessage(message);
}

let db: Driver | null = null;
let heapReply: ((sample: HeapSample | null) => void) | null = null;

async function open(config: EngineConfig): Promise<Driver> {
  const openDriver = await loadEngine(config.engine);
  db = await openDriver(config.storage, `${config.id}.db`);
  return db;
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
        measureHeap: () =>
          new Promise((resolve) => {
            heapReply = resolve;
            post({ type: 'heap?' });
          }),
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
      heapReply?.(message.sample);
      heapReply = null;
      return;
    case 'close':
      await db?.close();
      db = null;
      post({ type: 'closed' });
      return;
  }
}

scope.onmessage = (event) => {
  handle(event.data).catch((error: unknown) => post({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
};
