/**
 * The virtual file system: the only way the engine touches storage. It is synchronous so that it maps
 * directly onto `FileSystemSyncAccessHandle` (OPFS) in a worker and onto `fs.*Sync` in Node.
 *
 * Contract: `read` fills `buf` from `offset`; bytes past the end of the file read as zero and the return
 * value tells how many bytes really came from the file. `write` extends the file as needed. Nothing is
 * durable until `sync()` returns.
 */

/** An open file. */
export interface VfsFile {
  /** Reads `buf.length` bytes at `offset`; returns how many were in the file (the rest are zeroed). */
  read(buf: Uint8Array, offset: number): number;
  /** Writes all of `buf` at `offset`, growing the file if needed. */
  write(buf: Uint8Array, offset: number): void;
  /** The file's size in bytes. */
  size(): number;
  /** Cuts (or extends with zeros) the file to `size` bytes. */
  truncate(size: number): void;
  /** Makes every earlier write durable. */
  sync(): void;
  /** Releases the file. Further calls are a misuse. */
  close(): void;
}

/** Options for `Vfs.open`. */
export interface VfsOpenOptions {
  /** Create the file when it does not exist (default true). */
  create?: boolean;
  /** Open without write access. */
  readonly?: boolean;
}

/** A file system: a flat namespace of files named by path. */
export interface Vfs {
  /** A short name for diagnostics (`memory`, `node`, `opfs`). */
  readonly name: string;
  /** Opens `path`; throws SQLITE_CANTOPEN when it is missing and `create` is false. */
  open(path: string, options?: VfsOpenOptions): VfsFile;
  /** Removes `path` if it exists. */
  delete(path: string): void;
  /** Whether `path` exists. */
  exists(path: string): boolean;
}
