/**
 * A VFS over `MemoryVfs` with a storage quota, as browsers impose on OPFS: the sizes of all files
 * together may not exceed `quota` bytes. A write or truncate that would grow the total past it throws
 * `SqliteError('SQLITE_FULL')` and changes nothing; overwriting bytes inside a file's current size is
 * always allowed. Deleting or shrinking files frees space; `quota` can be raised at any time.
 */
import { SqliteError } from '../../src/common/errors.js';
import { MemoryVfs } from '../../src/vfs/memory.js';
import type { Vfs, VfsFile, VfsOpenOptions } from '../../src/vfs/vfs.js';

export class QuotaVfs implements Vfs {
  readonly name = 'quota';
  /** Bytes all files together may hold. */
  quota: number;
  /** How many writes or truncates were refused. */
  refusals = 0;
  private readonly memory = new MemoryVfs();
  private readonly sizes = new Map<string, number>();

  constructor(quota: number) {
    this.quota = quota;
  }

  /** Bytes in use across all files. */
  get used(): number {
    let total = 0;
    for (const size of this.sizes.values()) total += size;
    return total;
  }

  open(path: string, options?: VfsOpenOptions): VfsFile {
    const file = this.memory.open(path, options);
    this.sizes.set(path, file.size());
    return new QuotaFile(this, path, file);
  }

  delete(path: string): void {
    this.memory.delete(path);
    this.sizes.delete(path);
  }

  exists(path: string): boolean {
    return this.memory.exists(path);
  }

  /** Records that `path` will be `size` bytes; SQLITE_FULL when that would pass the quota. */
  resize(path: string, size: number): void {
    const before = this.sizes.get(path) ?? 0;
    if (size > before && this.used - before + size > this.quota) {
      this.refusals++;
      throw new SqliteError('SQLITE_FULL', 'database or disk is full');
    }
    this.sizes.set(path, size);
  }
}

class QuotaFile implements VfsFile {
  constructor(
    private readonly vfs: QuotaVfs,
    private readonly path: string,
    private readonly file: VfsFile,
  ) {}

  read(buf: Uint8Array, offset: number): number {
    return this.file.read(buf, offset);
  }

  write(buf: Uint8Array, offset: number): void {
    this.vfs.resize(this.path, Math.max(this.file.size(), offset + buf.length));
    this.file.write(buf, offset);
  }

  size(): number {
    return this.file.size();
  }

  truncate(size: number): void {
    this.vfs.resize(this.path, size);
    this.file.truncate(size);
  }

  sync(): void {
    this.file.sync();
  }

  close(): void {
    this.file.close();
  }
}
