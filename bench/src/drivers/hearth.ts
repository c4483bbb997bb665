/**
 * Hearth in a browser worker. In memory: the engine's own `Database(':memory:')`. On OPFS: not available until
 * `@hearth/worker` exports `openDatabase`; the bench then reports "not available" instead of a number.
 */
import { Database } from '@hearth/engine';
import type { OpenDriver } from './driver.js';
import { syncApiDriver } from './sync-api.js';

export const openHearth: OpenDriver = async (storage) => {
  if (storage !== 'memory') throw new Error('not available: Hearth on OPFS needs openDatabase from @hearth/worker');
  return syncApiDriver(new Database(':memory:'));
};
