/**
 * @hearth/client for Node (the `node` export condition): the same `connect()` and asynchronous API as in
 * browsers, with the engine in-process and databases as files of the host file system (`fs`). For tests
 * and server-side rendering. `db.function(name, fn)` works here, since the engine runs in this thread.
 */
import * as fs from 'node:fs';
import { Database as EngineDatabase, type DatabaseOptions, SqliteError } from '@hearth/engine/node';
import { DatabaseServer, type ServerStorage } from '@hearth/worker';
import { inProcess, type Backend } from './backend.js';
import { type ConnectOptions, type Database, type StorageReport, openOn } from './database.js';
import { settle } from './errors.js';

export { SqliteError };
export { Database, Statement } from './database.js';
export type { BatchStatement, ConnectOptions, FunctionOptions, PragmaOptions, Row, StorageReport, BatchItem, BindArgs, ColumnInfo, RunResult } from './database.js';

/** The version of @hearth/client (kept equal to package.json's "version"). */
export const HEARTH_CLIENT_VERSION = '0.1.0';

const SIDE_FILES = ['-wal', '-journal'];

/** Database files on the host file system. */
const fileStorage: ServerStorage = {
  open: async (path: string, options: DatabaseOptions) => new EngineDatabase(path, options),
  write: async (path: string, bytes: Uint8Array) => {
    for (const suffix of SIDE_FILES) fs.rmSync(path + suffix, { force: true });
    fs.writeFileSync(path, bytes);
  },
  remove: async (path: string) => {
    for (const suffix of ['', ...SIDE_FILES]) fs.rmSync(path + suffix, { force: true });
  },
  releaseAll: () => undefined,
};

let backend: Backend | null = null;

function localBackend(): Backend {
  return (backend ??= inProcess(new DatabaseServer(fileStorage)));
}

/** Opens the database file at `path` (created unless `readonly` or `fileMustExist`), or `:memory:`. */
export async function connect(path: string, options: ConnectOptions = {}): Promise<Database> {
  if (options.worker) throw new TypeError('connect(): the worker option is for browsers; in Node the engine runs in-process');
  return openOn(localBackend(), path, options, () => undefined);
}

/** Creates (or replaces) the database file `name` from the bytes of a SQLite file. */
export async function importDatabase(name: string, bytes: Uint8Array): Promise<void> {
  await settle(localBackend().importDatabase(name, bytes));
}

/** Removes the database file `name` and its side files. */
export async function deleteDatabase(name: string): Promise<void> {
  await settle(localBackend().deleteDatabase(name));
}

/** Storage figures are a browser's: in Node there are none. */
export async function storageEstimate(): Promise<StorageReport | null> {
  return null;
}
