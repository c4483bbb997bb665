/**
 * `openDatabase(path, options)`: the engine's synchronous `Database` on OPFS, for code that already runs
 * in its own dedicated worker. The database's OPFS handles are opened before the engine sees the path
 * (see opfs-vfs.ts) and released when the connection closes; `:memory:` needs no handles.
 */
import { Database, type DatabaseOptions } from '@hearth/engine';
import { OpfsVfs } from './opfs-vfs.js';

/** Options of `openDatabase`: the engine's, with an `OpfsVfs` in place of any VFS. */
export interface OpenDatabaseOptions extends Omit<DatabaseOptions, 'vfs'> {
  /** The OPFS VFS to open the files with (default: one over the origin's OPFS root, shared). */
  vfs?: OpfsVfs;
}

/**
 * The page cache of an OPFS database unless `cacheSize` says otherwise: 16 MiB, the default that
 * sqlite-wasm's build sets for the same storage. Each page read from OPFS is a call into the browser
 * (about 0.3 ms per 4 KiB measured beside the bench), where a native file's reads come from the OS page
 * cache, so a cache that holds the working set matters more here than SQLite's native 2 MB default.
 */
export const OPFS_DEFAULT_CACHE_SIZE = -16384;

let defaultVfs: Promise<OpfsVfs> | null = null;

/** The VFS over the origin's OPFS root, created once per worker. */
export function sharedOpfsVfs(): Promise<OpfsVfs> {
  defaultVfs ??= OpfsVfs.create().catch((err: unknown) => {
    defaultVfs = null;
    throw err;
  });
  return defaultVfs;
}

/** A connection whose OPFS handles are released when it closes. */
class OpfsDatabase extends Database {
  private released = false;

  constructor(
    path: string,
    options: DatabaseOptions,
    private readonly opfs: OpfsVfs,
  ) {
    super(path, options);
  }

  override close(): void {
    try {
      super.close();
    } finally {
      if (!this.released) {
        this.released = true;
        this.opfs.release(this.name);
      }
    }
  }
}

/**
 * Opens the database at `path` in OPFS (created unless `readonly` or `fileMustExist`), or an in-memory
 * one for `:memory:`. Rejects with SQLITE_BUSY when another tab or worker has the database open.
 */
export async function openDatabase(path: string, options: OpenDatabaseOptions = {}): Promise<Database> {
  const { vfs: given, ...engineOptions } = options;
  if (path === ':memory:' || path === '') return new Database(path, engineOptions);
  const vfs = given ?? (await sharedOpfsVfs());
  await vfs.acquire(path, { mustExist: options.fileMustExist === true || options.readonly === true });
  try {
    return new OpfsDatabase(path, { ...engineOptions, cacheSize: engineOptions.cacheSize ?? OPFS_DEFAULT_CACHE_SIZE, vfs }, vfs);
  } catch (err) {
    vfs.release(path);
    throw err;
  }
}
