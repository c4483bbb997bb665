/**
 * The bench page: runs every engine configuration in dedicated workers, the raw OPFS floor, then leaves the
 * results in `window.__benchResult` for the runner (Playwright) to collect. Options come from the URL:
 * `?quick=1` for the smoke sizes, `engines=a,b` to measure only some configurations, `cold=1` to measure only
 * cold starts (more of them, and no OPFS floor).
 */
import { sizesFor } from '../data.js';
import { BROWSER_ENGINES } from '../engines.js';
import type { FromWorker } from '../protocol.js';
import { type Host, findMismatches, measureEngines } from '../orchestrate.js';
import type { EngineRun, HeapSample, OpfsFloor } from '../results.js';
import { openHearthClient } from './client-crossing.js';

export interface PageResult {
  engines: EngineRun[];
  mismatches: ReturnType<typeof findMismatches>;
  opfsFloor: OpfsFloor | null;
  opfsFloorError?: string;
  crossOriginIsolated: boolean;
  userAgent: string;
  hardwareConcurrency: number;
}

declare global {
  interface Window {
    /** Set by the runner: the heap of a named worker (CDP), after a garbage collection. */
    __benchHeap?: (workerName: string) => Promise<HeapSample | null>;
    __benchResult?: PageResult | { error: string };
  }
}

async function clearOpfs(): Promise<void> {
  const root = await navigator.storage.getDirectory();
  for (let attempt = 0; ; attempt++) {
    try {
      const names: string[] = [];
      for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
      for (const name of names) await root.removeEntry(name, { recursive: true });
      return;
    } catch (error) {
      // A worker that was just terminated may still hold its access handles for a moment.
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

const host: Host = {
  spawn(name, onMessage) {
    const worker = new Worker(new URL('./engine-worker.ts', import.meta.url), { type: 'module', name });
    worker.onmessage = (event: MessageEvent<FromWorker>) => onMessage(event.data);
    worker.onerror = (event) => onMessage({ type: 'error', message: event.message || 'worker failed to load' });
    return {
      send: (message) => worker.postMessage(message),
      terminate: async () => worker.terminate(),
    };
  },
  now: () => performance.now(),
  measureHeap: async (workerName) => (window.__benchHeap ? window.__benchHeap(workerName) : null),
  resetStorage: clearOpfs,
  log: (line) => console.log(line),
  crossingClient: (config) => (config.engine === 'hearth' ? (sizes) => openHearthClient(config, sizes) : null),
};

function measureOpfsFloor(commits: number, readMiB: number): Promise<OpfsFloor> {
  const worker = new Worker(new URL('./opfs-floor-worker.ts', import.meta.url), { type: 'module', name: 'opfs-floor' });
  return new Promise<OpfsFloor>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<{ floor?: OpfsFloor; error?: string }>) =>
      event.data.floor ? resolve(event.data.floor) : reject(new Error(event.data.error));
    worker.onerror = (event) => reject(new Error(event.message));
    worker.postMessage({ commits, readMiB });
  }).finally(() => worker.terminate());
}

async function main(): Promise<PageResult> {
  const params = new URLSearchParams(location.search);
  const quick = params.get('quick') === '1';
  const coldOnly = params.get('cold') === '1';
  const sizes = sizesFor(quick, coldOnly);
  const only = params.get('engines')?.split(',');
  const configs = BROWSER_ENGINES.filter((c) => !only || only.includes(c.id));
  const engines = await measureEngines(host, configs, sizes, coldOnly);
  await clearOpfs();
  let opfsFloor: OpfsFloor | null = null;
  let opfsFloorError: string | undefined;
  try {
    if (!coldOnly) opfsFloor = await measureOpfsFloor(sizes.autocommitInserts, quick ? 4 : 64);
  } catch (error) {
    opfsFloorError = error instanceof Error ? error.message : String(error);
  }
  return {
    engines,
    mismatches: findMismatches(engines),
    opfsFloor,
    ...(opfsFloorError ? { opfsFloorError } : {}),
    crossOriginIsolated: self.crossOriginIsolated,
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
  };
}

main().then(
  (result) => (window.__benchResult = result),
  (error: unknown) => (window.__benchResult = { error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
);
