/**
 * @hearth/client for browsers: `connect(path)` opens a database served by a dedicated worker
 * (@hearth/worker) that keeps it in OPFS; the connection is an asynchronous proxy (Comlink) in the shape
 * of Turso's promise API. Node resolves `@hearth/client` to node.ts instead (engine in-process, `fs`).
 *
 * One worker, started on first use, serves every connection of the page unless `connect` is given a
 * worker of one's own. Connections close on `pagehide`, so that a reload finds the files free.
 */
import * as Comlink from 'comlink';
import { SqliteError } from '@hearth/engine';
import type { WorkerApi } from '@hearth/worker';
import { type Backend, remote } from './backend.js';
import { type ConnectOptions, type Database, type StorageReport, openOn } from './database.js';
import { settle } from './errors.js';
import { startDefaultWorker } from './worker-start.js';

export { SqliteError };
export { Database, Statement } from './database.js';
export type { BatchStatement, ConnectOptions, FunctionOptions, PragmaOptions, Row, StorageReport, BatchItem, BindArgs, ColumnInfo, RunResult } from './database.js';

/** The version of @hearth/client (kept equal to package.json's "version"). */
export const HEARTH_CLIENT_VERSION = '0.1.0';

const backends = new WeakMap<Worker, Backend>();
/** Per worker: rejects when its script fails to load or run (an `error` event on the Worker). */
const failures = new WeakMap<Worker, Promise<never>>();
let defaultWorker: Worker | null = null;
const openConnections = new Set<Database>();
let pagehideHooked = false;

/** The backend over `worker` (default: the page's shared worker), and a promise that rejects if the worker fails. */
function backendOf(worker: Worker | undefined): { backend: Backend; failed: Promise<never> } {
  if (!worker) {
    defaultWorker ??= startDefaultWorker();
    worker = defaultWorker;
  }
  const started = worker;
  let backend = backends.get(worker);
  if (!backend) {
    backend = remote(Comlink.wrap<WorkerApi>(worker), pageCanBlockWorkers());
    backends.set(worker, backend);
    const failed = new Promise<never>((_, reject) => {
      started.addEventListener(
        'error',
        (event) => {
          // A default worker that failed is dropped: the next connect() starts a new one (back online, say).
          if (started === defaultWorker) defaultWorker = null;
          reject(workerFailure(event));
        },
        { once: true },
      );
    });
    failed.catch(() => undefined);
    failures.set(worker, failed);
  }
  return { backend, failed: failures.get(worker)! };
}

/** Whether a worker may block waiting for this page (SharedArrayBuffer: the page is cross-origin isolated). */
function pageCanBlockWorkers(): boolean {
  return typeof SharedArrayBuffer === 'function' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

/**
 * The error for a worker that failed: an uncaught error in it (an ErrorEvent), or a script that did not
 * load at all — missing from the deployed files, unreachable offline when no service worker caches it,
 * or (an uncommon dev-server setup) not where the bundled client looks for it.
 */
function workerFailure(event: Event): SqliteError {
  if (event instanceof ErrorEvent && event.message) return new SqliteError('SQLITE_CANTOPEN', `unable to open database: the Hearth worker failed (${event.message})`);
  return new SqliteError(
    'SQLITE_CANTOPEN',
    "unable to open database: the Hearth worker's script did not load (is it deployed with the page's assets, and cached for offline use? " +
      "under a dev server that pre-bundles dependencies, add optimizeDeps: { exclude: ['@hearth/client'] } to its config)",
  );
}

/** `call` on the backend of `worker`, rejected instead if the worker fails first. */
async function withWorker<T>(worker: Worker | undefined, call: (backend: Backend) => Promise<T>): Promise<T> {
  const { backend, failed } = backendOf(worker);
  return Promise.race([call(backend), failed]);
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
 * open, and with SQLITE_CANTOPEN when the worker cannot start.
 */
export async function connect(path: string, options: ConnectOptions = {}): Promise<Database> {
  if (options.persist && typeof navigator !== 'undefined' && navigator.storage?.persist) await navigator.storage.persist();
  closeAllOnPagehide();
  const db = await withWorker(options.worker, (backend) => openOn(backend, path, options, (closed) => openConnections.delete(closed)));
  openConnections.add(db);
  return db;
}

/**
 * Creates (or replaces) database `name` in OPFS from the bytes of a SQLite file, e.g. one the user picked.
 * SQLITE_NOTADB when they are not one; SQLITE_BUSY while the database is open.
 */
export async function importDatabase(name: string, bytes: Uint8Array, options: { worker?: Worker } = {}): Promise<void> {
  await withWorker(options.worker, (backend) => settle(backend.importDatabase(name, bytes)));
}

/** Removes database `name` (and its side files) from OPFS. SQLITE_BUSY while it is open. */
export async function deleteDatabase(name: string, options: { worker?: Worker } = {}): Promise<void> {
  await withWorker(options.worker, (backend) => settle(backend.deleteDatabase(name)));
}

/** The origin's storage use and quota, and whether it is persistent (`navigator.storage`). */
export async function storageEstimate(): Promise<StorageReport | null> {
  if (typeof navigator === 'undefined' || !navigator.storage?.estimate) return null;
  const estimate = await navigator.storage.estimate();
  const persisted = navigator.storage.persisted ? await navigator.storage.persisted() : false;
  return { usage: estimate.usage ?? 0, quota: estimate.quota ?? 0, persisted };
}
