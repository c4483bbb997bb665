/**
 * The OPFS VFS: the engine's synchronous `Vfs` over the Origin Private File System, one
 * `FileSystemSyncAccessHandle` per file (available in dedicated workers only).
 *
 * Sync access handles can only be created asynchronously, while the engine opens, tests and deletes
 * files synchronously. So a database's files — `x.db`, `x.db-wal`, `x.db-journal` — are opened ahead,
 * together, by `acquire(path)` (async), before the engine is given the path, and stay open until the
 * last `release(path)`. Against those open handles:
 * - `open` hands out a view of the handle (closing the view leaves the handle open);
 * - a side file (`-wal`, `-journal`) that is empty counts as absent: `exists` is false for it and
 *   `delete` truncates it to zero bytes (the empty file stays in OPFS; SQLite too treats an empty
 *   journal as no journal);
 * - a path that was not acquired does not exist, and opening it is SQLITE_CANTOPEN.
 *
 * A sync access handle is exclusive: while one tab or worker holds a database's handles, a second
 * `acquire` anywhere else fails with SQLITE_BUSY naming the cause. Two connections in the same worker
 * share the handles (the engine's shared-file locking keeps them apart). A write beyond the storage
 * quota is SQLITE_FULL, whether the browser throws QuotaExceededError or (Chromium) returns an error
 * code as the byte count.
 */
import { SqliteError, type Vfs, type VfsFile, type VfsOpenOptions } from '@hearth/engine';

/** The suffixes of the files that belong to a database, the database file itself first. */
const DATABASE_FILE_SUFFIXES = ['', '-wal', '-journal'] as const;

/** One open OPFS file. */
interface OpenFile {
  readonly handle: FileSystemSyncAccessHandle;
  /** The database file itself (not a side file): it exists even when empty. */
  readonly main: boolean;
}

/** The open files of one acquired database and how many acquirers hold them. */
interface DatabaseFiles {
  readonly paths: string[];
  holders: number;
}

function domErrorName(err: unknown): string {
  return typeof err === 'object' && err !== null && 'name' in err ? String((err as { name: unknown }).name) : '';
}

/** The engine's error for a failed OPFS call. */
function ioError(op: string, path: string, err: unknown): SqliteError {
  if (err instanceof SqliteError) return err;
  if (domErrorName(err) === 'QuotaExceededError') return new SqliteError('SQLITE_FULL', 'database or disk is full');
  return new SqliteError('SQLITE_IOERR', `disk I/O error (${op} ${path}: ${err instanceof Error ? err.message : String(err)})`);
}

/** The error for a failed lookup of `path` or of a directory on its way. */
function lookupError(path: string, err: unknown): SqliteError {
  if (domErrorName(err) === 'NotFoundError') return new SqliteError('SQLITE_CANTOPEN', 'unable to open database file');
  return ioError('open', path, err);
}

/** Chromium's `base::File::Error` for "no space": what a failed write returns. */
const FILE_ERROR_NO_SPACE = -8;

/**
 * The error for a write that returned `n` bytes but should have written more. Chromium, out of quota,
 * may write part of the data and return an error code cast to unsigned (2^32 - 8 for "no space")
 * instead of throwing QuotaExceededError; anything beyond the bytes asked for is such a code.
 */
function writeFailure(n: number): SqliteError {
  const code = n >= 2 ** 31 ? n - 2 ** 32 : n;
  if (code === FILE_ERROR_NO_SPACE || code === 0) return new SqliteError('SQLITE_FULL', 'database or disk is full');
  return new SqliteError('SQLITE_IOERR', `disk I/O error (write returned ${n})`);
}

/** The path as OPFS names it: no leading slash, no empty or dot segments. */
export function normalizePath(path: string): string {
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length === 0 || parts.includes('..')) throw new SqliteError('SQLITE_CANTOPEN', `unable to open database file: invalid OPFS path "${path}"`);
  return parts.join('/');
}

class OpfsFile implements VfsFile {
  private closed = false;
  /** The position option of every read and write, reused: the handle reads it during the call. */
  private readonly position = { at: 0 };

  constructor(
    private readonly path: string,
    private readonly handle: FileSystemSyncAccessHandle,
    private readonly readonly: boolean,
  ) {}

  read(buf: Uint8Array, offset: number): number {
    this.checkOpen();
    let done = 0;
    try {
      while (done < buf.length) {
        // A whole read (the usual case) passes the buffer itself, allocating no view.
        this.position.at = offset + done;
        const n = this.handle.read(done === 0 ? buf : buf.subarray(done), this.position);
        if (n <= 0) break;
        done += n;
      }
    } catch (err) {
      throw ioError('read', this.path, err);
    }
    if (done < buf.length) buf.fill(0, done);
    return done;
  }

  write(buf: Uint8Array, offset: number): void {
    this.checkWritable();
    try {
      let done = 0;
      while (done < buf.length) {
        this.position.at = offset + done;
        const n = this.handle.write(done === 0 ? buf : buf.subarray(done), this.position);
        if (n <= 0 || n > buf.length - done) throw writeFailure(n);
        done += n;
      }
    } catch (err) {
      throw ioError('write', this.path, err);
    }
  }

  size(): number {
    this.checkOpen();
    try {
      return this.handle.getSize();
    } catch (err) {
      throw ioError('size', this.path, err);
    }
  }

  truncate(size: number): void {
    this.checkWritable();
    try {
      this.handle.truncate(size);
    } catch (err) {
      throw ioError('truncate', this.path, err);
    }
  }

  sync(): void {
    this.checkOpen();
    if (this.readonly) return;
    try {
      this.handle.flush();
    } catch (err) {
      throw ioError('flush', this.path, err);
    }
  }

  close(): void {
    this.closed = true;
  }

  private checkOpen(): void {
    if (this.closed) throw new SqliteError('SQLITE_MISUSE', 'file is closed');
  }

  private checkWritable(): void {
    this.checkOpen();
    if (this.readonly) throw new SqliteError('SQLITE_READONLY', 'attempt to write a readonly database');
  }
}

/** A VFS over one OPFS directory (the origin's root by default). */
export class OpfsVfs implements Vfs {
  readonly name = 'opfs';
  private readonly files = new Map<string, OpenFile>();
  private readonly databases = new Map<string, DatabaseFiles>();
  /** Acquisitions under way, so that two concurrent `acquire`s of one path open its handles once. */
  private readonly pending = new Map<string, Promise<void>>();

  /**
   * `lockTimeout`: how long (ms) `acquire` retries while another context holds the handles before it
   * reports SQLITE_BUSY. A page that reloads gets a new worker while the old one may still be shutting
   * down and releasing its handles; the wait covers that.
   */
  constructor(
    private readonly root: FileSystemDirectoryHandle,
    private readonly lockTimeout = 1000,
  ) {}

  /** The VFS over the origin's OPFS root (`navigator.storage.getDirectory()`). */
  static async create(lockTimeout?: number): Promise<OpfsVfs> {
    if (typeof navigator === 'undefined' || !navigator.storage?.getDirectory) {
      throw new SqliteError('SQLITE_CANTOPEN', 'unable to open database file: OPFS (navigator.storage.getDirectory) is not available here');
    }
    return new OpfsVfs(await navigator.storage.getDirectory(), lockTimeout);
  }

  /**
   * Opens the handles of database `path` and its side files (creating them; with `mustExist`, the
   * database file must already be there and non-empty) and holds them until `release(path)`. SQLITE_BUSY
   * when another tab or worker holds them.
   */
  async acquire(path: string, options: { mustExist?: boolean } = {}): Promise<void> {
    path = normalizePath(path);
    for (;;) {
      const inFlight = this.pending.get(path);
      if (!inFlight) break;
      await inFlight.catch(() => undefined);
    }
    const held = this.databases.get(path);
    if (held) {
      held.holders++;
      return;
    }
    const opening = this.openAllWaiting(path, options.mustExist === true);
    this.pending.set(path, opening);
    try {
      await opening;
    } finally {
      this.pending.delete(path);
    }
  }

  /** Drops one hold on database `path`; the last closes its handles (synchronously). */
  release(path: string): void {
    path = normalizePath(path);
    const held = this.databases.get(path);
    if (!held || --held.holders > 0) return;
    this.databases.delete(path);
    for (const file of held.paths) this.closeHandle(file);
  }

  /** Whether this VFS holds the handles of database `path`. */
  isAcquired(path: string): boolean {
    return this.databases.has(normalizePath(path));
  }

  /** Releases every handle (when the worker shuts down). */
  releaseAll(): void {
    for (const [path, held] of this.databases) {
      held.holders = 1;
      this.release(path);
    }
  }

  /**
   * Replaces database `path` with `bytes` (side files emptied), flushed before returning. SQLITE_BUSY
   * while it is open here or elsewhere.
   */
  async writeDatabase(path: string, bytes: Uint8Array): Promise<void> {
    path = normalizePath(path);
    if (this.databases.has(path) || this.pending.has(path)) throw this.busy(path, 'is open in this worker');
    await this.acquire(path);
    try {
      for (const suffix of DATABASE_FILE_SUFFIXES) {
        const handle = this.files.get(path + suffix)!.handle;
        try {
          handle.truncate(0);
          if (suffix === '') handle.write(bytes, { at: 0 });
          handle.flush();
        } catch (err) {
          throw ioError('write', path + suffix, err);
        }
      }
    } finally {
      this.release(path);
    }
  }

  /** Removes database `path` and its side files from OPFS. SQLITE_BUSY while it is open. */
  async removeDatabase(path: string): Promise<void> {
    path = normalizePath(path);
    if (this.databases.has(path) || this.pending.has(path)) throw this.busy(path, 'is open in this worker');
    for (const suffix of DATABASE_FILE_SUFFIXES) {
      const { dir, name } = await this.locate(path + suffix, false).catch(() => ({ dir: null, name: '' }));
      if (!dir) continue;
      try {
        await dir.removeEntry(name);
      } catch (err) {
        const kind = domErrorName(err);
        if (kind === 'NotFoundError') continue;
        if (kind === 'NoModificationAllowedError' || kind === 'InvalidModificationError') throw this.busy(path, 'is open in another tab or worker');
        throw ioError('remove', path + suffix, err);
      }
    }
  }

  // ---- Vfs ----------------------------------------------------------------------------------------

  open(path: string, options: VfsOpenOptions = {}): VfsFile {
    const name = normalizePath(path);
    const file = this.files.get(name);
    if (!file) throw new SqliteError('SQLITE_CANTOPEN', `unable to open database file: ${path} (its OPFS handle was not opened ahead)`);
    if (!file.main && options.create === false && !this.exists(name)) {
      throw new SqliteError('SQLITE_CANTOPEN', `unable to open database file: ${path}`);
    }
    return new OpfsFile(name, file.handle, options.readonly === true);
  }

  exists(path: string): boolean {
    const file = this.files.get(normalizePath(path));
    if (!file) return false;
    return file.main || file.handle.getSize() > 0;
  }

  delete(path: string): void {
    const name = normalizePath(path);
    const file = this.files.get(name);
    if (!file) return;
    try {
      file.handle.truncate(0);
      file.handle.flush();
    } catch (err) {
      throw ioError('delete', name, err);
    }
  }

  // ---- internals ----------------------------------------------------------------------------------

  /** `openAll`, retried with growing pauses while the files are busy, until `lockTimeout` passes. */
  private async openAllWaiting(path: string, mustExist: boolean): Promise<void> {
    const deadline = Date.now() + this.lockTimeout;
    for (let pause = 20; ; pause = Math.min(pause * 2, 200)) {
      try {
        return await this.openAll(path, mustExist);
      } catch (err) {
        if (!(err instanceof SqliteError) || err.code !== 'SQLITE_BUSY' || Date.now() + pause > deadline) throw err;
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  /**
   * Opens the three handles concurrently: each is a round trip to the browser's storage process, and
   * cold start waits on them. With `mustExist` the database file is opened (not created) and checked
   * first, so that a missing database leaves no side files behind.
   */
  private async openAll(path: string, mustExist: boolean): Promise<void> {
    const opened: string[] = [];
    const keep = (file: string, handle: FileSystemSyncAccessHandle): void => {
      this.files.set(file, { handle, main: file === path });
      opened.push(file);
    };
    try {
      const { dir } = await this.locate(path, !mustExist).catch((err: unknown) => {
        throw lookupError(path, err);
      });
      let pending = DATABASE_FILE_SUFFIXES.map((suffix) => path + suffix);
      if (mustExist) {
        keep(path, await this.openHandle(dir, path, false));
        if (this.files.get(path)!.handle.getSize() === 0) throw new SqliteError('SQLITE_CANTOPEN', 'unable to open database file');
        pending = pending.filter((file) => file !== path);
      }
      const results = await Promise.allSettled(pending.map((file) => this.openHandle(dir, file, true)));
      results.forEach((result, i) => {
        if (result.status === 'fulfilled') keep(pending[i]!, result.value);
      });
      const failed = results.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    } catch (err) {
      for (const file of opened) this.closeHandle(file);
      throw err;
    }
    this.databases.set(path, { paths: opened, holders: 1 });
  }

  /** The sync access handle of `path`, a file in `dir`. */
  private async openHandle(dir: FileSystemDirectoryHandle, path: string, create: boolean): Promise<FileSystemSyncAccessHandle> {
    let fileHandle: FileSystemFileHandle;
    try {
      fileHandle = await dir.getFileHandle(path.slice(path.lastIndexOf('/') + 1), { create });
    } catch (err) {
      throw lookupError(path, err);
    }
    try {
      return await fileHandle.createSyncAccessHandle();
    } catch (err) {
      const kind = domErrorName(err);
      if (kind === 'NoModificationAllowedError' || kind === 'InvalidStateError') throw this.busy(path, 'is open in another tab or worker');
      if (kind === 'QuotaExceededError') throw ioError('open', path, err);
      throw new SqliteError('SQLITE_CANTOPEN', `unable to open database file: ${path} (${err instanceof Error ? err.message : String(err)})`);
    }
  }

  /** The directory holding `path` (created along the way when `create`) and the file's name in it. */
  private async locate(path: string, create: boolean): Promise<{ dir: FileSystemDirectoryHandle; name: string }> {
    const parts = path.split('/');
    const name = parts.pop()!;
    let dir = this.root;
    for (const part of parts) dir = await dir.getDirectoryHandle(part, { create });
    return { dir, name };
  }

  private closeHandle(path: string): void {
    const file = this.files.get(path);
    if (!file) return;
    this.files.delete(path);
    try {
      file.handle.close();
    } catch {
      // A handle that fails to close is closed anyway when the worker ends; nothing to undo here.
    }
  }

  private busy(path: string, why: string): SqliteError {
    const database = path.replace(/-(wal|journal)$/, '');
    return new SqliteError('SQLITE_BUSY', `database is locked: "${database}" ${why}`);
  }
}
