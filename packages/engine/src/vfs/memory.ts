/**
 * An in-memory VFS. Files live in growable byte buffers shared by every handle opened on the same
 * path of the same `MemoryVfs`, so two opens of one path see each other's writes as real files do.
 * `sync` is a no-op: a memory file has nothing more durable to reach.
 */
import { SqliteError } from '../common/errors.js';
import type { Vfs, VfsFile, VfsOpenOptions } from './vfs.js';

/** The bytes of one in-memory file; `length` is the file size, `bytes` may be larger. */
class MemoryFileData {
  bytes = new Uint8Array(0);
  length = 0;

  ensureCapacity(size: number): void {
    if (size <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(size, this.bytes.length * 2, 4096));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
}

class MemoryFile implements VfsFile {
  private closed = false;

  constructor(
    private readonly data: MemoryFileData,
    private readonly readonly: boolean,
  ) {}

  read(buf: Uint8Array, offset: number): number {
    this.checkOpen();
    const available = Math.max(0, Math.min(buf.length, this.data.length - offset));
    if (available > 0) buf.set(this.data.bytes.subarray(offset, offset + available));
    if (available < buf.length) buf.fill(0, available);
    return available;
  }

  write(buf: Uint8Array, offset: number): void {
    this.checkWritable();
    const end = offset + buf.length;
    this.data.ensureCapacity(end);
    if (offset > this.data.length) this.data.bytes.fill(0, this.data.length, offset);
    this.data.bytes.set(buf, offset);
    if (end > this.data.length) this.data.length = end;
  }

  size(): number {
    this.checkOpen();
    return this.data.length;
  }

  truncate(size: number): void {
    this.checkWritable();
    if (size > this.data.length) {
      this.data.ensureCapacity(size);
      this.data.bytes.fill(0, this.data.length, size);
    }
    this.data.length = size;
  }

  sync(): void {
    this.checkOpen();
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

/** A VFS whose files are byte arrays in this process. */
export class MemoryVfs implements Vfs {
  readonly name = 'memory';
  private readonly files = new Map<string, MemoryFileData>();

  open(path: string, options: VfsOpenOptions = {}): VfsFile {
    let data = this.files.get(path);
    if (!data) {
      if (options.create === false || options.readonly) {
        throw new SqliteError('SQLITE_CANTOPEN', `unable to open database file: ${path}`);
      }
      data = new MemoryFileData();
      this.files.set(path, data);
    }
    return new MemoryFile(data, options.readonly === true);
  }

  delete(path: string): void {
    this.files.delete(path);
  }

  exists(path: string): boolean {
    return this.files.has(path);
  }

  /** A copy of a file's bytes (for tests and export). */
  snapshot(path: string): Uint8Array | undefined {
    const data = this.files.get(path);
    return data ? data.bytes.slice(0, data.length) : undefined;
  }

  /** Replaces a file's bytes (for tests and import). */
  load(path: string, bytes: Uint8Array): void {
    const data = new MemoryFileData();
    data.ensureCapacity(bytes.length);
    data.bytes.set(bytes);
    data.length = bytes.length;
    this.files.set(path, data);
  }
}
