/**
 * Hearth in a browser worker: the engine's synchronous `Database`, in memory (`:memory:`) or on OPFS through
 * `openDatabase` from `@hearth/worker` (sync access handles, WAL journal: the engine's defaults). Loading
 * this module primes the compiled-code cache, as `serve()` does in @hearth/client's worker.
 */
import { Database, primeCodeCache } from '@hearth/engine';
import { openDatabase } from '@hearth/worker';
import type { OpenDriver } from './driver.js';
import { syncApiDriver } from './sync-api.js';

export const openHearth: OpenDriver = async (storage, name) => {
  if (storage === 'memory') return syncApiDriver(new Database(':memory:'));
  return syncApiDriver(await openDatabase(name));
};

primeCodeCache();
