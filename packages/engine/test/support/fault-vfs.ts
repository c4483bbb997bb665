/**
 * A fault-injecting VFS for crash tests, modelling a disk behind a volatile write cache.
 *
 * Every file has a durable image (its bytes as of the last successful `sync` of that file) and the
 * writes and truncates issued since, in order. Reads see the live file (durable image plus every
 * pending change), as a running process does.
 *
 * Crash: operations that change the disk — writes, truncates, syncs and deletes, across all files —
 * are numbered from 1. With `crashAt = N`, operation N does not happen: it throws `CrashError`, and
 * from then on every call on the VFS or its files throws `CrashError` too (the process is dead), except
 * `close`, which does nothing. `crashImage` then builds what a disk may hold after power loss: per
 * file, the durable image plus some of the pending changes applied in order, where a write may land
 * whole, not at all, or torn (a prefix of it, or any subset of its 512-byte sectors), and a truncate
 * may or may not have happened.
 *
 * Assumption: creating and deleting a file are durable the moment they happen, as if the directory
 * were synced right after (SQLite syncs the directory after creating a journal and relies on the
 * journal's deletion being durable as the commit point of journal_mode=DELETE). Creation makes an
 * empty durable file; deletion discards the file with its pending changes.
 */
import { SqliteError } from '../../src/common/errors.js';
import { MemoryVfs } from '../../src/vfs/memory.js';
import type { Vfs, VfsFile, VfsOpenOptions } from '../../src/vfs/vfs.js';

/** Thrown by the operation chosen as the crash point and by every call after it. */
export class CrashError extends Error {
  constructor(readonly op: number) {
    super(`simulated crash at operation ${op}`);
    this.name = 'CrashError';
  }
}

/** Whether `err` is the simulated crash (and not a real failure of the code under test). */
export function isCrash(err: unknown): err is CrashError {
  return err instanceof CrashError;
}

/** Size of the units a torn write lands in. */
const SECTOR_SIZE = 512;

/**
 * Which unsynced changes a crash image keeps: `'lost'` drops them all, `'kept'` applies them all
 * (a process crash with the OS still up), a number seeds a random choice of landed, dropped and torn
 * changes.
 */
export type CrashMode = 'lost' | 'kept' | number;

type Pending = { readonly kind: 'write'; readonly offset: number; readonly data: Uint8Array } | { readonly kind: 'truncate'; readonly size: number };

/** A growable byte buffer: `bytes[0, length)` is the content. */
class Bytes {
  bytes: Uint8Array;
  length: number;

  constructor(initial: Uint8Array = new Uint8Array(0)) {
    this.bytes = initial.slice();
    this.length = initial.length;
  }

  content(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }

  write(data: Uint8Array, offset: number): void {
    this.resize(Math.max(this.length, offset + data.length));
    this.bytes.set(data, offset);
  }

  /** Sets the length; bytes beyond the old end read as zero. */
  resize(size: number): void {
    if (size > this.bytes.length) {
      const grown = new Uint8Array(Math.max(size, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    } else if (size > this.length) {
      this.bytes.fill(0, this.length, size);
    }
    this.length = size;
  }
}

/** One file: what is on the platter and what is still in the write cache. */
class FaultFileState {
  durable: Uint8Array = new Uint8Array(0);
  readonly pending: Pending[] = [];
  readonly live = new Bytes();
}

/** A small deterministic PRNG (xorshift32) for the choices of a crash image. */
function prng(seed: number): () => number {
  let s = (seed ^ 0x9e3779b9) >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

/** Applies the part of `write` that lands when it is torn: a prefix, or a subset of its sectors. */
function applyTorn(file: Bytes, write: Pending & { kind: 'write' }, random: () => number): void {
  const { offset, data } = write;
  if (random() < 0.5) {
    const cut = Math.floor(random() * data.length);
    if (cut > 0) file.write(data.subarray(0, cut), offset);
    return;
  }
  // Sector boundaries are absolute file offsets, so a write may start or end mid-sector.
  for (let at = 0; at < data.length; ) {
    const end = Math.min(data.length, (Math.floor((offset + at) / SECTOR_SIZE) + 1) * SECTOR_SIZE - offset);
    if (random() < 0.5) file.write(data.subarray(at, end), offset + at);
    at = end;
  }
}

/** A VFS whose files can be "crashed" at a chosen operation; see the file comment. */
export class FaultVfs implements Vfs {
  readonly name = 'fault';
  /** The operation that crashes (1-based); `Infinity` never crashes. */
  readonly crashAt: number;
  private ops = 0;
  private crashed = false;
  private readonly syncs = new Map<string, number>();
  private readonly files = new Map<string, FaultFileState>();

  /** A VFS crashing at operation `crashAt`, holding `files` (durable, with nothing pending) to start with. */
  constructor(crashAt = Infinity, files: ReadonlyMap<string, Uint8Array> = new Map()) {
    this.crashAt = crashAt;
    for (const [path, bytes] of files) {
      const state = new FaultFileState();
      state.durable = bytes.slice();
      state.live.write(bytes, 0);
      this.files.set(path, state);
    }
  }

  /** Operations counted so far (those that happened; the crashing one is not counted). */
  get operations(): number {
    return this.ops;
  }

  /** Whether the crash has happened. */
  get hasCrashed(): boolean {
    return this.crashed;
  }

  /** Successful syncs of `path` so far (counting on across deletes and re-creations). */
  syncCount(path: string): number {
    return this.syncs.get(path) ?? 0;
  }

  open(path: string, options: VfsOpenOptions = {}): VfsFile {
    this.checkAlive();
    let state = this.files.get(path);
    if (!state) {
      if (options.create === false || options.readonly) {
        throw new SqliteError('SQLITE_CANTOPEN', `unable to open database file: ${path}`);
      }
      state = new FaultFileState();
      this.files.set(path, state);
    }
    return new FaultFile(this, path, state, options.readonly === true);
  }

  delete(path: string): void {
    this.countOp();
    this.files.delete(path);
  }

  exists(path: string): boolean {
    this.checkAlive();
    return this.files.has(path);
  }

  /**
   * The files as the disk holds them after power loss at this moment, loaded into a fresh MemoryVfs.
   * The same `mode` always gives the same image (as to which changes land). Does not alter this VFS.
   */
  crashImage(mode: CrashMode): MemoryVfs {
    const out = new MemoryVfs();
    const random = typeof mode === 'number' ? prng(mode) : null;
    for (const [path, state] of this.files) {
      const file = new Bytes(state.durable);
      if (mode === 'kept') {
        for (const change of state.pending) applyWhole(file, change);
      } else if (random) {
        applySome(file, state.pending, random);
      }
      out.load(path, file.content());
    }
    return out;
  }

  /** Counts one disk-changing operation, crashing when it is the chosen one. For `FaultFile`. */
  countOp(): void {
    this.checkAlive();
    if (this.ops + 1 >= this.crashAt) {
      this.crashed = true;
      throw new CrashError(this.ops + 1);
    }
    this.ops++;
  }

  /** Records a completed sync of `path`. For `FaultFile`. */
  noteSync(path: string): void {
    this.syncs.set(path, this.syncCount(path) + 1);
  }

  /** Throws once the process is dead. For `FaultFile`. */
  checkAlive(): void {
    if (this.crashed) throw new CrashError(this.ops + 1);
  }
}

function applyWhole(file: Bytes, change: Pending): void {
  if (change.kind === 'write') file.write(change.data, change.offset);
  else file.resize(change.size);
}

/**
 * Applies a random selection of `pending` in order. Half the images model a disk that writes in
 * order (every change up to a cut point lands, the one at the cut may be torn, none after it); the
 * other half let each change land, vanish or tear independently.
 */
function applySome(file: Bytes, pending: readonly Pending[], random: () => number): void {
  if (pending.length === 0) return;
  if (random() < 0.5) {
    const cut = Math.floor(random() * (pending.length + 1));
    for (let i = 0; i < cut; i++) applyWhole(file, pending[i]!);
    const boundary = pending[cut];
    if (boundary?.kind === 'write') applyTorn(file, boundary, random);
    return;
  }
  for (const change of pending) {
    const r = random();
    if (r < 0.4) applyWhole(file, change);
    else if (r < 0.6 && change.kind === 'write') applyTorn(file, change, random);
  }
}

/** A handle on a `FaultVfs` file. */
class FaultFile implements VfsFile {
  private closed = false;

  constructor(
    private readonly vfs: FaultVfs,
    private readonly path: string,
    private readonly state: FaultFileState,
    private readonly readonly: boolean,
  ) {}

  read(buf: Uint8Array, offset: number): number {
    this.checkOpen();
    const live = this.state.live;
    const available = Math.max(0, Math.min(buf.length, live.length - offset));
    if (available > 0) buf.set(live.bytes.subarray(offset, offset + available));
    if (available < buf.length) buf.fill(0, Math.max(0, available));
    return available;
  }

  write(buf: Uint8Array, offset: number): void {
    this.checkWritable();
    this.vfs.countOp();
    const data = buf.slice();
    this.state.pending.push({ kind: 'write', offset, data });
    this.state.live.write(data, offset);
  }

  size(): number {
    this.checkOpen();
    return this.state.live.length;
  }

  truncate(size: number): void {
    this.checkWritable();
    this.vfs.countOp();
    this.state.pending.push({ kind: 'truncate', size });
    this.state.live.resize(size);
  }

  sync(): void {
    this.checkOpen();
    this.vfs.countOp();
    this.state.durable = this.state.live.content();
    this.state.pending.length = 0;
    this.vfs.noteSync(this.path);
  }

  close(): void {
    this.closed = true;
  }

  private checkOpen(): void {
    this.vfs.checkAlive();
    if (this.closed) throw new SqliteError('SQLITE_MISUSE', 'file is closed');
  }

  private checkWritable(): void {
    this.checkOpen();
    if (this.readonly) throw new SqliteError('SQLITE_READONLY', 'attempt to write a readonly database');
  }
}
