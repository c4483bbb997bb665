/**
 * @hearth/client for browsers: `connect(path)` opens a database served by a dedicated worker
 * (@hearth/worker) that keeps it in OPFS; the connection is an asynchronous proxy (Comlink) in the shape
 * of Turso's promise API. Node resolves `@hearth/client` to node.ts instead (engine in-process, `fs`).
 *
 * One worker, started on first use, serves every connection of the page unless `connect` is given a
 * worker of one's own. Connections close on `pagehide`, so that a reload finds the files free. When a
 * worker stops (worker-watch.ts), calls on it reject instead of hanging, its connections are closed, and a
 * stopped default worker is replaced on the next `connect()`.
 */
import * as Comlink from 'comlink';
import { SqliteError } from '@hearth/engine';
import type { WorkerApi } from '@hearth/worker';
import { type Backend, remote } from './backend.js';
import { type ConnectOptions, type Database, type StorageReport, openOn } from './database.js';
import { settle } from './errors.js';
import { startDefaultWorker } from './worker-start.js';
import { watchWorker, workerStoppedError } from './worker-watch.js';

export { SqliteError };
export { Database, Statement } from './database.js';
export type { BatchStatement, ConnectOptions, FunctionOptions, PragmaOptions, Row, StorageReport, BatchItem, BindArgs, ColumnInfo, RunResult } from './database.js';

/** The version of @hearth/client (kept equal to package.json's "version"). */
export const HEARTH_CLIENT_VERSION = '0.1.0';

const backends = new WeakMap<Worker, Backend>();
let defaultWorker: Worker | null = null;
const openConnections = new Set<Database>();
let pagehideHooked = false;
/** Workers that stopped but may not have ended yet (`WorkerWatch.gone`): their files may still be held. */
const endingWorkers = new Set<Promise<void>>();
/** How long opening a database waits for stopped workers to end, at most. */
const ENDING_WAIT_MS = 5_000;

/** The backend over `worker` (default: the page's shared worker), watched so that its stopping fails calls instead of hanging them. */
function backendOf(worker: Worker | undefined): Backend {
  if (!worker) {
    defaultWorker ??= startDefaultWorker();
    worker = defaultWorker;
  }
  const existing = backends.get(worker);
  if (existing) return existing;
  const started = worker;
  const proxy = Comlink.wrap<WorkerApi>(worker);
  const watch = watchWorker(worker, (name) => proxy.holdLifetimeLock(name));
  const backend = remote(proxy, pageCanBlockWorkers(), watch);
  backends.set(worker, backend);
  watch.onStop((stop) => {
    // A default worker that stopped is dropped: the next connect() starts a new one (back online, say),
    // which reopens the files once the stopped worker has ended and the browser has released its handles.
    if (started === defaultWorker) defaultWorker = null;
    endingWorkers.add(watch.gone);
    void watch.gone.then(() => endingWorkers.delete(watch.gone));
    const reason = workerStoppedError(stop, false);
    for (const db of [...openConnections]) if (db.servedBy(backend)) db.lose(reason);
  });
  return backend;
}

/**
 * Waits (a few seconds at most) until the workers that stopped have ended, so that a database one of them
 * had open is free again: a worker terminated after an uncaught error lets go of its files a moment later.
 */
async function afterStoppedWorkersEnded(): Promise<void> {
  if (endingWorkers.size === 0) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const patience = new Promise<void>((resolve) => (timer = setTimeout(resolve, ENDING_WAIT_MS)));
  await Promise.race([Promise.all(endingWorkers), patience]);
  clearTimeout(timer);
}

/** Whether a worker may block waiting for this page (SharedArrayBuffer: the page is cross-origin isolated). */
function pageCanBlockWorkers(): boolean {
  return typeof SharedArrayBuffer === 'function' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

function closeAllOnPagehide(): void {
  if (pagehideHooked || typeof addEventListener !== 'function') return;
  pagehideHooked = true;
  addEventListener('pagehide', () => {
    for (const db of [...openConnections]) void db.close().catch(() => undefined);
  });
}

/**
 * Opens the database at `path` in the origin's private file system (created unless `readonly` or
 * `fileMustExist`), or an in-memory one for `:memory:`. Rejects with SQLITE_BUSY when another tab has it
 * open, and with SQLITE_CANTOPEN when the worker cannot start. If the worker stops later, pending and later
 * calls on the connection reject with SQLITE_IOERR.
 */
export async function connect(path: string, options: ConnectOptions = {}): Promise<Database> {
  if (options.persist && typeof navigator !== 'undefined' && navigator.storage?.persist) await navigator.storage.persist();
  closeAllOnPagehide();
  await afterStoppedWorkersEnded();
  const db = await openOn(backendOf(options.worker), path, options, (closed) => openConnections.delete(closed));
  openConnections.add(db);
  return db;
}

/**
 * Creates (or replaces) database `name` in OPFS from the bytes of a SQLite file, e.g. one the user picked.
 * SQLITE_NOTADB when they are not one; SQLITE_BUSY while the database is open.
 */
export async function importDatabase(name: string, bytes: Uint8Array, options: { worker?: Worker } = {}): Promise<void> {
  await afterStoppedWorkersEnded();
  await settle(backendOf(options.worker).importDatabase(name, bytes));
}

/** Removes database `name` (and its side files) from OPFS. SQLITE_BUSY while it is open. */
export async function deleteDatabase(name: string, options: { worker?: Worker } = {}): Promise<void> {
  await afterStoppedWorkersEnded();
  await settle(backendOf(options.worker).deleteDatabase(name));
}

/** The origin's storage use and quota, and whether it is persistent (`navigator.storage`). */
export async function storageEstimate(): Promise<StorageReport | null> {
  if (typeof navigator === 'undefined' || !navigator.storage?.estimate) return null;
  const estimate = await navigator.storage.estimate();
  const persisted = navigator.storage.persisted ? await navigator.storage.persisted() : false;
  return { usage: estimate.usage ?? 0, quota: estimate.quota ?? 0, persisted };
}
