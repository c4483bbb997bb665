/**
 * A stand-in for the Origin Private File System in Node tests: directories, files, and exclusive sync
 * access handles that behave as Chromium's do where the OPFS VFS depends on it — a second
 * `createSyncAccessHandle` on a file whose handle is open fails with NoModificationAllowedError, and a
 * write or truncate growing the origin's total past `quota` fails with QuotaExceededError (or, for a
 * write, the way Chromium fails: see `quotaFailure`).
 */

/** Storage shared by every handle of one fake origin. */
export class FakeOrigin {
  quota = Number.MAX_SAFE_INTEGER;
  /**
   * How a write past the quota fails: by throwing QuotaExceededError, or as Chromium does, by writing
   * what fits and returning 2^32 - 8 (its "no space" error code cast to unsigned).
   */
  quotaFailure: 'throw' | 'chromium' = 'throw';
  readonly root = new FakeDirectory(this);

  /** Bytes in all files. */
  get used(): number {
    return this.root.bytes();
  }

  /** The root as the VFS takes it. */
  get rootHandle(): FileSystemDirectoryHandle {
    return this.root as unknown as FileSystemDirectoryHandle;
  }
}

class FakeFile {
  bytes = new Uint8Array(0);
  handleOpen = false;
}

class FakeDirectory {
  readonly files = new Map<string, FakeFile>();
  readonly dirs = new Map<string, FakeDirectory>();

  constructor(private readonly origin: FakeOrigin) {}

  bytes(): number {
    let total = 0;
    for (const file of this.files.values()) total += file.bytes.length;
    for (const dir of this.dirs.values()) total += dir.bytes();
    return total;
  }

  async getDirectoryHandle(name: string, options: { create?: boolean } = {}): Promise<FakeDirectory> {
    let dir = this.dirs.get(name);
    if (!dir) {
      if (!options.create) throw new DOMException(`no directory ${name}`, 'NotFoundError');
      this.dirs.set(name, (dir = new FakeDirectory(this.origin)));
    }
    return dir;
  }

  async getFileHandle(name: string, options: { create?: boolean } = {}): Promise<FakeFileHandle> {
    let file = this.files.get(name);
    if (!file) {
      if (!options.create) throw new DOMException(`no file ${name}`, 'NotFoundError');
      this.files.set(name, (file = new FakeFile()));
    }
    return new FakeFileHandle(this.origin, file);
  }

  async removeEntry(name: string): Promise<void> {
    const file = this.files.get(name);
    if (!file) throw new DOMException(`no file ${name}`, 'NotFoundError');
    if (file.handleOpen) throw new DOMException('file is locked', 'NoModificationAllowedError');
    this.files.delete(name);
  }
}

class FakeFileHandle {
  constructor(
    private readonly origin: FakeOrigin,
    private readonly file: FakeFile,
  ) {}

  async createSyncAccessHandle(): Promise<FakeSyncHandle> {
    if (this.file.handleOpen) {
      throw new DOMException('Access Handles cannot be created if there is another open Access Handle', 'NoModificationAllowedError');
    }
    this.file.handleOpen = true;
    return new FakeSyncHandle(this.origin, this.file);
  }
}

class FakeSyncHandle {
  private closed = false;

  constructor(
    private readonly origin: FakeOrigin,
    private readonly file: FakeFile,
  ) {}

  read(buffer: Uint8Array, options: { at: number }): number {
    this.check();
    const n = Math.max(0, Math.min(buffer.length, this.file.bytes.length - options.at));
    if (n > 0) buffer.set(this.file.bytes.subarray(options.at, options.at + n));
    return n;
  }

  write(buffer: Uint8Array, options: { at: number }): number {
    this.check();
    const end = options.at + buffer.length;
    const room = this.origin.quota - this.origin.used + this.file.bytes.length;
    if (end > this.file.bytes.length && end > room && this.origin.quotaFailure === 'chromium') {
      const fits = Math.max(0, room - options.at);
      this.resize(Math.max(this.file.bytes.length, options.at + fits));
      this.file.bytes.set(buffer.subarray(0, fits), options.at);
      return 2 ** 32 - 8;
    }
    if (end > this.file.bytes.length) this.resize(end);
    this.file.bytes.set(buffer, options.at);
    return buffer.length;
  }

  truncate(size: number): void {
    this.check();
    this.resize(size);
  }

  getSize(): number {
    this.check();
    return this.file.bytes.length;
  }

  flush(): void {
    this.check();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.file.handleOpen = false;
  }

  private resize(size: number): void {
    const grow = size - this.file.bytes.length;
    if (grow > 0 && this.origin.used + grow > this.origin.quota) throw new DOMException('quota exceeded', 'QuotaExceededError');
    const bytes = new Uint8Array(size);
    bytes.set(this.file.bytes.subarray(0, Math.min(size, this.file.bytes.length)));
    this.file.bytes = bytes;
  }

  private check(): void {
    if (this.closed) throw new DOMException('handle is closed', 'InvalidStateError');
  }
}
