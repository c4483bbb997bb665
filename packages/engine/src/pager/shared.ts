/**
 * One database file as all connections of this process share it: the open file handle, its log (WAL
 * or rollback journal), and the locks that let several connections use it without corrupting it.
 * (On OPFS a file can have only one sync access handle, so sharing the handle is not optional.)
 *
 * Locking follows SQLite's rules, checked rather than waited on — a conflict is SQLITE_BUSY:
 * - one writer at a time;
 * - WAL mode: readers keep the snapshot (last committed frame) they started with while a writer
 *   commits; a read transaction cannot become a write transaction once its snapshot is stale; a
 *   checkpoint waits until no reader needs frames older than the newest;
 * - rollback mode: the writer changes the database file in place, so it may write the file (commit or
 *   spill) only while no other connection reads, and no new reader starts while it has.
 *
 * `version` counts commits; a connection whose cache was filled at an older version drops it.
 *
 * Readers are few (one per connection) and start and end with every statement, so they are kept in two
 * parallel arrays searched linearly: a read transaction then allocates nothing.
 */
import { SqliteError } from '../common/errors.js';
import type { Vfs, VfsFile } from '../vfs/vfs.js';
import type { PageLog } from './log.js';

/** A connection, as the shared file knows it. */
export type Connection = object;

export class SharedFile {
  readonly vfs: Vfs;
  readonly path: string;
  readonly db: VfsFile;
  readonly readonly: boolean;
  log: PageLog;
  readonly pageSize: number;
  readonly usableSize: number;
  /** Commits so far (by any connection). */
  version = 0;
  /** The connection holding the write lock, or null. */
  writer: Connection | null = null;
  /** Rollback mode: the writer has written the database file, which readers must not see. */
  fileDirty = false;
  /** The connections in a read transaction, and at the same index the snapshot each reads at. */
  private readonly readers: Connection[] = [];
  private readonly snapshots: number[] = [];
  private connections = 0;

  constructor(vfs: Vfs, path: string, db: VfsFile, readonly: boolean, log: PageLog, pageSize: number, usableSize: number) {
    this.vfs = vfs;
    this.path = path;
    this.db = db;
    this.readonly = readonly;
    this.log = log;
    this.pageSize = pageSize;
    this.usableSize = usableSize;
  }

  /** Registers a read transaction at `snapshot`; SQLITE_BUSY while a rollback-mode writer has written the file. */
  startRead(who: Connection, snapshot: number): void {
    if (this.fileDirty && this.writer !== who) throw busy('another connection is writing the database file');
    const at = this.readers.indexOf(who);
    if (at >= 0) {
      this.snapshots[at] = snapshot;
    } else {
      this.readers.push(who);
      this.snapshots.push(snapshot);
    }
  }

  endRead(who: Connection): void {
    const at = this.readers.indexOf(who);
    if (at < 0) return;
    // The last reader takes the leaving one's place.
    const lastReader = this.readers.pop()!;
    const lastSnapshot = this.snapshots.pop()!;
    if (at < this.readers.length) {
      this.readers[at] = lastReader;
      this.snapshots[at] = lastSnapshot;
    }
  }

  /** Takes the write lock; SQLITE_BUSY when another connection holds it. */
  lockWrite(who: Connection): void {
    if (this.writer !== null && this.writer !== who) throw busy('another connection is writing');
    this.writer = who;
  }

  unlockWrite(who: Connection): void {
    if (this.writer === who) {
      this.writer = null;
      this.fileDirty = false;
    }
  }

  /** Whether a connection other than `who` is in a read transaction. */
  hasOtherReaders(who: Connection): boolean {
    for (const reader of this.readers) if (reader !== who) return true;
    return false;
  }

  /** Whether a connection other than `who` reads at a snapshot older than `newest`. */
  hasOlderReaders(who: Connection, newest: number): boolean {
    for (let i = 0; i < this.readers.length; i++) if (this.readers[i] !== who && this.snapshots[i]! < newest) return true;
    return false;
  }

  /** After a checkpoint emptied the WAL, every reader's view is the database file alone. */
  resetSnapshots(): void {
    this.snapshots.fill(0);
  }

  /** The snapshot `who` reads at (0 when not reading). */
  snapshotOf(who: Connection): number {
    const at = this.readers.indexOf(who);
    return at < 0 ? 0 : this.snapshots[at]!;
  }

  /** Whether `who` is the only connection. */
  isAlone(): boolean {
    return this.connections === 1;
  }

  retain(): void {
    this.connections++;
  }

  /** Drops a connection; true when it was the last one. */
  release(who: Connection): boolean {
    this.endRead(who);
    this.unlockWrite(who);
    this.connections--;
    if (this.connections > 0) return false;
    forget(this);
    return true;
  }
}

function busy(why: string): SqliteError {
  return new SqliteError('SQLITE_BUSY', `database is locked (${why})`);
}

const registry = new WeakMap<Vfs, Map<string, SharedFile>>();

/** The shared file for `path` on `vfs`, opened with `open` when no connection has it yet. */
export function acquireShared(vfs: Vfs, path: string, open: () => SharedFile): SharedFile {
  let files = registry.get(vfs);
  if (!files) registry.set(vfs, (files = new Map()));
  let shared = files.get(path);
  if (!shared) {
    shared = open();
    files.set(path, shared);
  }
  shared.retain();
  return shared;
}

function forget(shared: SharedFile): void {
  registry.get(shared.vfs)?.delete(shared.path);
}
