/**
 * The Node variant: Hearth against better-sqlite3 (a file in a temp dir, and memory) on the same workloads,
 * each engine in its own worker thread, orchestrated exactly as in the browser.
 */
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Sizes } from '../data.js';
import type { EngineConfig } from '../engines.js';
import { type Host, findMismatches, measureEngines } from '../orchestrate.js';
import type { FromWorker } from '../protocol.js';
import type { EngineRun, Mismatch } from '../results.js';

export async function runNode(workerFile: string, configs: EngineConfig[], sizes: Sizes, coldOnly = false): Promise<{ engines: EngineRun[]; mismatches: Mismatch[]; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-'));
  const host: Host = {
    spawn(name, onMessage) {
      const worker = new Worker(workerFile, { name, workerData: { dir } });
      worker.on('message', (message: FromWorker) => onMessage(message));
      worker.on('error', (error) => onMessage({ type: 'error', message: error.message }));
      return {
        send: (message) => worker.postMessage(message),
        terminate: async () => {
          await worker.terminate();
        },
      };
    },
    now: () => performance.now(),
    measureHeap: async () => null,
    async resetStorage() {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
    },
    log: (line) => console.log(line),
  };
  try {
    const engines = await measureEngines(host, configs, sizes, coldOnly);
    return { engines, mismatches: findMismatches(engines), dir };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
