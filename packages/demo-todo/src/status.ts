/**
 * The status footer: how big the database is, whether the browser keeps the origin's storage for good
 * (with a button asking it to), whether the page is cross-origin isolated (Hearth's page cache is then a
 * SharedArrayBuffer; it works either way), and whether the app is cached for offline use.
 */
import { storageEstimate, type Database } from '@hearth/client';
import { byId } from './dom.js';

/** `bytes` for people: 512 B, 12.5 KiB, 3.2 MiB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** The database's size: its pages times the page size (what an export of it weighs). */
export async function databaseSize(db: Database): Promise<number> {
  const pages = Number(await db.pragma('page_count', { simple: true }));
  const pageSize = Number(await db.pragma('page_size', { simple: true }));
  return pages * pageSize;
}

/** Fills the footer's figures for `db`. */
export async function refreshStatus(db: Database): Promise<void> {
  byId('status-size').textContent = formatBytes(await databaseSize(db));
  const storage = await storageEstimate();
  const persisted = storage?.persisted ?? false;
  byId('status-persisted').textContent = storage === null ? 'unknown' : persisted ? 'yes' : 'no';
  byId('status-usage').textContent = storage === null ? '' : `(origin uses ${formatBytes(storage.usage)} of ${formatBytes(storage.quota)})`;
  byId<HTMLButtonElement>('persist').hidden = persisted || typeof navigator.storage?.persist !== 'function';
  byId('status-isolated').textContent = globalThis.crossOriginIsolated ? 'yes' : 'no';
}

/** Asks the browser to make the storage persistent; returns whether it did. */
export async function requestPersistence(): Promise<boolean> {
  return navigator.storage.persist();
}

/** Shows whether the service worker has cached the app for offline use. */
export function setOfflineReady(ready: boolean): void {
  byId('status-offline').textContent = ready ? 'yes' : 'not yet';
}
