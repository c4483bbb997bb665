/**
 * The Node variant's engines: Hearth (`@hearth/engine/node`, in memory or a file through its Node VFS) and
 * better-sqlite3, both through the same better-sqlite3-shaped driver. Files live in the run's temp dir.
 */
import { join } from 'node:path';
import type { OpenDriver } from './driver.js';
import { type SyncDatabase, syncApiDriver } from './sync-api.js';

export function nodeOpener(engine: string, dir: string): () => Promise<OpenDriver> {
  const pathOf = (storage: string, name: string): string => (storage === 'memory' ? ':memory:' : join(dir, name));
  switch (engine) {
    case 'hearth':
      return async () => {
        const { Database } = await import('@hearth/engine/node');
        return async (storage, name) => syncApiDriver(new Database(pathOf(storage, name)) as unknown as SyncDatabase);
      };
    case 'better-sqlite3':
      return async () => {
        const { default: Database } = await import('better-sqlite3');
        return async (storage, name) => syncApiDriver(new Database(pathOf(storage, name)));
      };
    default:
      throw new Error(`unknown engine ${engine}`);
  }
}
