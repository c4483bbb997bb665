/**
 * How the pager makes transactions atomic and durable: a `PageLog` is either the write-ahead log
 * (`WalLog`: committed pages are appended as frames, and reads look in the log before the database file)
 * or the rollback journal (`RollbackLog`: the original images of changed pages are saved first, then the
 * database file is written in place).
 *
 * The pager calls the log at fixed points: `beginWrite`, `spill` (dirty pages leave the cache before
 * commit), `commit`, `rollback`, `checkpoint`, `close`. Pages are handed over as cache slots: `data[slot]`
 * holds the bytes and `pgnos[slot]` the page number.
 */
import { assert } from '../common/assert.js';
import { lockBytePage, JournalWriter } from '../journal/journal.js';
import type { Vfs, VfsFile } from '../vfs/vfs.js';
import { Wal, type WalPage } from '../wal/wal.js';
import { H, HEADER_SIZE, get32, headerPageSize } from './header.js';
import type { JournalMode, Synchronous } from './pager.js';

export interface PageLog {
  readonly mode: JournalMode;
  /** Page size the log itself records (the WAL header's), or 0. */
  pageSize(): number;
  /** Database size in pages as last committed. */
  committedPageCount(db: VfsFile, pageSize: number): number;
  /** The newest committed state, as a snapshot readers can hold (a WAL frame number; 0 in rollback mode). */
  snapshot(): number;
  /** Fills `into` with page `pgno` as seen at `snapshot`, or by the open write transaction when it is -1. */
  readPage(pgno: number, into: Uint8Array, snapshot: number): void;
  beginWrite(committedPageCount: number): void;
  /** Writes pages out before commit so the cache can drop them; they stay part of the transaction. */
  spill(data: readonly Uint8Array[], pgnos: Uint32Array, slots: readonly number[], sync: Synchronous): void;
  /** Whether the open transaction spilled pages. */
  hasSpilled(): boolean;
  /** Makes the transaction's pages (and any spilled earlier) durable. */
  commit(data: readonly Uint8Array[], pgnos: Uint32Array, slots: readonly number[], pageCount: number, sync: Synchronous): void;
  /** Ends a write transaction that changed nothing. */
  endWrite(): void;
  rollback(committedPageCount: number): void;
  /** Pages in the log not yet checkpointed (WAL), else 0. */
  backlog(): number;
  checkpoint(sync: Synchronous): void;
  close(deleteFiles: boolean): void;
}

/** Opens the log for a database file: the WAL in WAL mode, else the rollback journal. */
export function openPageLog(vfs: Vfs, path: string, db: VfsFile, walMode: boolean, readonly: boolean): PageLog {
  if (walMode) return new WalLog(Wal.open(vfs, `${path}-wal`, { readonly }), db);
  return new RollbackLog(vfs, `${path}-journal`, db);
}

/** The database header as `fileCommittedPageCount` last read it (reused: it runs for every read transaction). */
const headScratch = new Uint8Array(HEADER_SIZE);

/** The database size from the header when SQLite's rule says it is valid, else from the file size. */
export function fileCommittedPageCount(db: VfsFile, pageSize: number): number {
  const size = db.size();
  if (size < HEADER_SIZE) return 0;
  const head = headScratch;
  db.read(head, 0);
  const inHeader = get32(head, H.pageCount);
  const fromFile = Math.ceil(size / (headerPageSize(head) || pageSize));
  if (inHeader > 0 && get32(head, H.changeCounter) === get32(head, H.versionValidFor) && inHeader <= fromFile) return inHeader;
  return fromFile;
}

function readFromFile(db: VfsFile, pgno: number, into: Uint8Array): void {
  db.read(into, (pgno - 1) * into.length);
}

/**
 * A log for which the database file holds the committed pages and a transaction writes its pages there
 * in place, keeping the originals elsewhere until it commits: the rollback journal (`RollbackLog`), or
 * memory for an in-memory database (`MemoryLog`). No snapshots, nothing to checkpoint.
 */
export abstract class InPlaceLog implements PageLog {
  abstract readonly mode: JournalMode;

  constructor(protected readonly db: VfsFile) {}

  pageSize(): number {
    return 0;
  }

  committedPageCount(db: VfsFile, pageSize: number): number {
    return fileCommittedPageCount(db, pageSize);
  }

  snapshot(): number {
    return 0;
  }

  readPage(pgno: number, into: Uint8Array): void {
    readFromFile(this.db, pgno, into);
  }

  backlog(): number {
    return 0;
  }

  checkpoint(): void {}

  abstract beginWrite(committedPageCount: number): void;
  abstract spill(data: readonly Uint8Array[], pgnos: Uint32Array, slots: readonly number[], sync: Synchronous): void;
  abstract hasSpilled(): boolean;
  abstract commit(data: readonly Uint8Array[], pgnos: Uint32Array, slots: readonly number[], pageCount: number, sync: Synchronous): void;
  abstract endWrite(): void;
  abstract rollback(committedPageCount: number): void;
  abstract close(deleteFiles: boolean): void;

  /** Writes the pages of `slots` into the database file, each where it belongs. */
  protected writeInPlace(data: readonly Uint8Array[], pgnos: Uint32Array, slots: readonly number[], pageSize: number): void {
    for (const slot of slots) this.db.write(data[slot]!, (pgnos[slot]! - 1) * pageSize);
  }

  /** The end of a commit's writes: the file cut to `pageCount` pages, then synced unless `sync` is off. */
  protected finishInPlace(pageCount: number, pageSize: number, sync: Synchronous): void {
    if (this.db.size() > pageCount * pageSize) this.db.truncate(pageCount * pageSize);
    if (sync !== 'off') this.db.sync();
  }
}

class WalLog implements PageLog {
  readonly mode = 'wal' as const;
  private readonly batch: WalPage[] = [];

  constructor(
    private readonly wal: Wal,
    private readonly db: VfsFile,
  ) {}

  pageSize(): number {
    return this.wal.pageSize;
  }

  committedPageCount(db: VfsFile, pageSize: number): number {
    return this.wal.maxFrame > 0 ? this.wal.dbSize : fileCommittedPageCount(db, pageSize);
  }

  snapshot(): number {
    return this.wal.maxFrame;
  }

  readPage(pgno: number, into: Uint8Array, snapshot: number): void {
    const frame = this.wal.findFrame(pgno, snapshot < 0 ? this.wal.pendingMaxFrame : snapshot);
    if (frame > 0) this.wal.readFrame(frame, into);
    else readFromFile(this.db, pgno, into);
  }

  beginWrite(): void {}

  spill(data: readonly Uint8Array[], pgnos: Uint32Array, slots: readonly number[], sync: Synchronous): void {
    // Spilled frames need no sync: until a commit frame follows them, recovery ignores them.
    this.wal.appendFrames(this.pagesOf(data, pgnos, slots), 0, false, sync !== 'off');
  }

  hasSpilled(): boolean {
    return this.wal.pendingMaxFrame > this.wal.maxFrame;
  }

  commit(data: readonly Uint8Array[], pgnos: Uint32Array, slots: readonly number[], pageCount: number, sync: Synchronous): void {
    assert(slots.length > 0, 'a WAL commit writes at least one frame');
    this.wal.appendFrames(this.pagesOf(data, pgnos, slots), pageCount, sync === 'full', sync !== 'off');
  }

  endWrite(): void {}

  rollback(): void {
    this.wal.rollbackPending();
  }

  backlog(): number {
    return this.wal.maxFrame;
  }

  checkpoint(sync: Synchronous): void {
    this.wal.checkpoint(this.db, sync !== 'off');
  }

  close(deleteFiles: boolean): void {
    this.wal.close(deleteFiles && this.wal.maxFrame === 0);
  }

  private pagesOf(data: readonly Uint8Array[], pgnos: Uint32Array, slots: readonly number[]): WalPage[] {
    const batch = this.batch;
    batch.length = 0;
    for (const slot of slots) batch.push({ pgno: pgnos[slot]!, data: data[slot]! });
    return batch;
  }
}

class RollbackLog extends InPlaceLog {
  readonly mode = 'delete' as const;
  private journal: JournalWriter | null = null;
  /** Pages whose original image is in the journal already. */
  private readonly journaled = new Set<number>();
  private initialPageCount = 0;
  /** Whether this transaction wrote into the database file (a spill, or a commit cut short). */
  private dbWritten = false;
  private original: Uint8Array | null = null;

  constructor(
    private readonly vfs: Vfs,
    private readonly journalPath: string,
    db: VfsFile,
  ) {
    super(db);
  }

  beginWrite(committedPageCount: number): void {
    this.initialPageCount = committedPageCount;
    this.journaled.clear();
    this.dbWritten = false;
  }

  spill(data: readonly Uint8Array[], pgnos: Uint32Array, slots: readonly number[], sync: Synchronous): void {
    const pageSize = data[slots[0]!]!.length;
    this.journalOriginals(pgnos, slots, pageSize);
    // The originals must be durable before the database file is overwritten in place.
    this.journal!.sync(sync);
    this.dbWritten = true;
    this.writeInPlace(data, pgnos, slots, pageSize);
  }

  hasSpilled(): boolean {
    return this.dbWritten;
  }

  commit(data: readonly Uint8Array[], pgnos: Uint32Array, slots: readonly number[], pageCount: number, sync: Synchronous): void {
    const pageSize = data[slots[0]!]!.length;
    this.journalOriginals(pgnos, slots, pageSize);
    this.journal!.sync(sync);
    this.dbWritten = true;
    this.writeInPlace(data, pgnos, slots, pageSize);
    this.finishInPlace(pageCount, pageSize, sync);
    this.journal!.finish();
    this.journal = null;
  }

  endWrite(): void {
    if (this.journal) this.journal.finish();
    this.journal = null;
  }

  rollback(): void {
    // Only a spill wrote into the database file; otherwise the journal is simply discarded.
    if (this.journal && this.dbWritten) this.journal.playback(this.db, true);
    else if (this.journal) this.journal.finish();
    this.journal = null;
    this.dbWritten = false;
  }

  close(): void {
    if (this.journal) this.rollback();
  }

  /** Saves the on-disk images of the given pages that existed before the transaction and are not saved yet. */
  private journalOriginals(pgnos: Uint32Array, slots: readonly number[], pageSize: number): void {
    if (!this.journal) this.journal = JournalWriter.begin(this.vfs, this.journalPath, pageSize, this.initialPageCount);
    if (!this.original) this.original = new Uint8Array(pageSize);
    const lockPage = lockBytePage(pageSize);
    for (const slot of slots) {
      const pgno = pgnos[slot]!;
      if (pgno > this.initialPageCount || pgno === lockPage || this.journaled.has(pgno)) continue;
      this.readPage(pgno, this.original);
      this.journal.append(pgno, this.original);
      this.journaled.add(pgno);
    }
  }
}
