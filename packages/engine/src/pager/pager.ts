/**
 * The pager: pages of one database file, read through a bounded cache, changed inside transactions,
 * and made durable through a log — the write-ahead log (the default) or a rollback journal.
 *
 * Callers fetch a page with `get` (which pins it), call `write` before changing its bytes, and `release`
 * it when done. A write transaction's changes stay in the cache (dirty, unevictable) until `commit`; when
 * the cache fills with dirty pages some are spilled early to the log (`PageLog.spill`) and become clean.
 *
 * A write transaction can open nested savepoints (`openSavepoint`), and later release them or roll back
 * to one: the sub-journal (savepoint.ts) keeps the images pages had before their first change under
 * each savepoint, and a rollback puts those images back into the cache as dirty pages.
 *
 * Invariants: `pageCount` is the database size the open transaction sees; every dirty page is numbered
 * ≤ pageCount; outside a write transaction no page is dirty and no savepoint is open; no page is
 * pinned when a transaction ends or rolls back to a savepoint.
 */
import { assert } from '../common/assert.js';
import { SqliteError } from '../common/errors.js';
import type { Vfs } from '../vfs/vfs.js';
import { PageCache } from './cache.js';
import { H, HEADER_SIZE, get32, hasMagic, headerPageSize, initHeader, isValidPageSize, put32, validateHeader, WRITER_VERSION } from './header.js';
import { JournalWriter, isHotJournal, lockBytePage, rollbackHotJournal } from '../journal/journal.js';
import { openPageLog } from './log.js';
import { MemoryLog } from './memory-log.js';
import { CacheOnlyLog } from './cache-only-log.js';
import { OriginalImages } from './original-images.js';
import { SubJournal } from './savepoint.js';
import { SharedFile, acquireShared } from './shared.js';

/** 'memory' keeps the rollback journal in memory, without durability: for in-memory databases. */
export type JournalMode = 'wal' | 'delete' | 'memory';
export type Synchronous = 'off' | 'normal' | 'full';

/** `cache_size` when none is given, as SQLite's: 2000 KiB. */
export const DEFAULT_CACHE_SIZE = -2000;

export interface PagerOptions {
  /** Open without write access. */
  readonly?: boolean;
  /** Fail instead of creating the file when it does not exist. */
  fileMustExist?: boolean;
  /** Page size of a new database (512…65536, a power of two). Default 4096. */
  pageSize?: number;
  /**
   * Journal mode of a new database. Existing files keep the mode their header records, except that
   * 'memory' replaces a rollback journal. Default 'wal'.
   */
  journalMode?: JournalMode;
  /** Durability of commits. Default 'full'. */
  synchronous?: Synchronous;
  /** Cache size as SQLite's `cache_size`: positive = pages, negative = KiB. Default -2000 (about 2 MB). */
  cacheSize?: number;
  /** WAL pages after which a commit checkpoints. Default 1000; 0 disables automatic checkpoints. */
  walAutoCheckpoint?: number;
  /** Buffer for the cache slots (e.g. a SharedArrayBuffer); allocated when absent. */
  cacheBuffer?: ArrayBuffer | SharedArrayBuffer;
  /**
   * An in-memory database (a new, empty file that only this connection uses): the cache is the only
   * copy of its pages, never evicts them and grows as the database does; `cacheSize` sets only where it
   * starts. The journal mode is 'memory'.
   */
  inMemory?: boolean;
}

/** A page held in the cache. The object belongs to its slot and is reused; valid while pinned. */
export interface Page {
  readonly slot: number;
  pgno: number;
  readonly data: Uint8Array;
}

const DEFAULT_PAGE_SIZE = 4096;

/** Number of cache slots for a `cache_size` setting. */
export function cacheSlots(cacheSize: number, pageSize: number): number {
  const pages = cacheSize >= 0 ? cacheSize : Math.floor((-cacheSize * 1024) / pageSize);
  return Math.max(16, pages);
}

export class Pager {
  readonly vfs: Vfs;
  readonly path: string;
  readonly readonly: boolean;
  readonly pageSize: number;
  /** Page size less the reserved bytes at the end of each page. */
  readonly usableSize: number;
  synchronous: Synchronous;
  walAutoCheckpoint: number;
  /** Database size in pages as the open transaction sees it. */
  pageCount: number;
  /**
   * Counts the page changes declared (`write`, `append`, `truncate`) over the pager's life: a caller
   * compares two readings to learn whether anything changed in between.
   */
  changeCount = 0;

  private readonly shared: SharedFile;
  private readonly cache: PageCache;
  /** `pages[slot]`: the page object of a cache slot, made when the slot first holds a page. */
  private readonly pages: (Page | undefined)[];
  private readonly subJournal: SubJournal;
  /** For an in-memory database (whose cache is its only copy): the images a rollback restores; else null. */
  private readonly originals: OriginalImages | null;
  private committedPageCount: number;
  /** The shared file's commit count when this connection's cache was last known good. */
  private seenVersion: number;
  private state: 'idle' | 'read' | 'write' = 'idle';
  private closed = false;

  private constructor(shared: SharedFile, options: PagerOptions) {
    this.vfs = shared.vfs;
    this.path = shared.path;
    this.shared = shared;
    this.readonly = options.readonly === true || shared.readonly;
    this.pageSize = shared.pageSize;
    this.usableSize = shared.usableSize;
    this.synchronous = options.synchronous ?? 'full';
    this.walAutoCheckpoint = options.walAutoCheckpoint ?? 1000;
    const slots = cacheSlots(options.cacheSize ?? DEFAULT_CACHE_SIZE, this.pageSize);
    this.cache = new PageCache(this.pageSize, slots, options.cacheBuffer);
    this.pages = new Array<Page | undefined>(slots);
    this.originals = options.inMemory ? new OriginalImages() : null;
    this.cache.evicts = this.originals === null;
    this.subJournal = new SubJournal(this.pageSize);
    this.seenVersion = shared.version;
    this.committedPageCount = this.pageCount = shared.log.committedPageCount(shared.db, this.pageSize);
  }

  /**
   * Opens a connection to the database at `path` (creating it unless `readonly` or `fileMustExist`),
   * recovering from a crash if its log says so. Connections to one file in this process share it.
   */
  static open(vfs: Vfs, path: string, options: PagerOptions = {}): Pager {
    const readonly = options.readonly === true;
    if ((readonly || options.fileMustExist) && !vfs.exists(path)) {
      throw new SqliteError('SQLITE_CANTOPEN', 'unable to open database file');
    }
    const shared = acquireShared(vfs, path, () => openShared(vfs, path, options));
    try {
      const pager = new Pager(shared, options);
      if (pager.pageCount > 0) {
        pager.beginRead();
        try {
          pager.checkPage1();
        } finally {
          pager.endRead();
        }
      }
      return pager;
    } catch (err) {
      if (shared.release(shared)) closeShared(shared);
      throw err;
    }
  }

  get journalMode(): JournalMode {
    return this.shared.log.mode;
  }

  get inTransaction(): boolean {
    return this.state === 'write';
  }

  /** Committed frames in the WAL not yet copied into the database file (0 in rollback mode). */
  get walBacklog(): number {
    return this.shared.log.backlog();
  }

  /** Fetches page `pgno` (1 ≤ pgno ≤ pageCount) and pins it. Pages past the end read as zeros. */
  get(pgno: number): Page {
    this.checkOpen();
    if (pgno < 1 || pgno > this.pageCount) {
      throw new SqliteError('SQLITE_CORRUPT', `database disk image is malformed: page ${pgno} is out of range 1..${this.pageCount}`);
    }
    const cache = this.cache;
    let slot = cache.lookup(pgno);
    if (slot < 0) {
      slot = this.claimSlot(pgno);
      const shared = this.shared;
      // A read outside any transaction sees the newest commit.
      const snapshot = this.state === 'write' ? -1 : this.state === 'read' ? shared.snapshotOf(this) : shared.log.snapshot();
      shared.log.readPage(pgno, cache.data[slot]!, snapshot);
    }
    cache.pin(slot);
    const page = this.pages[slot]!;
    page.pgno = pgno;
    return page;
  }

  /** Unpins a page fetched with `get` or `allocate`. */
  release(page: Page): void {
    this.cache.unpin(page.slot);
  }

  /** Declares that `page` is about to change. Only inside a write transaction. */
  write(page: Page): void {
    assert(this.state === 'write', 'pages change only inside a write transaction');
    assert(this.cache.isPinned(page.slot), 'a page being written is pinned');
    const subJournal = this.subJournal;
    if (subJournal.depth > 0 && subJournal.needsImage(page.pgno)) subJournal.save(page.pgno, page.data);
    // In memory, a page clean in a write transaction is as committed: keep that image for a rollback.
    if (this.originals !== null && !this.cache.isDirty(page.slot) && page.pgno <= this.committedPageCount) this.originals.save(page.pgno, page.data);
    this.cache.setDirty(page.slot);
    this.changeCount++;
  }

  /** Adds a zeroed page at the end of the database, pinned and writable. */
  append(): Page {
    assert(this.state === 'write', 'pages are added only inside a write transaction');
    let pgno = this.pageCount + 1;
    // The page holding byte offset 2^30 (SQLite's lock byte) is never used.
    if (pgno === lockBytePage(this.pageSize)) pgno++;
    if (pgno > 0xfffffffe) throw new SqliteError('SQLITE_FULL', 'database or disk is full');
    if (this.subJournal.depth > 0) assert(!this.subJournal.needsImage(pgno), 'pages past the end were saved when the database shrank');
    let slot = this.cache.lookup(pgno);
    if (slot < 0) slot = this.claimSlot(pgno);
    this.pageCount = pgno;
    this.cache.data[slot]!.fill(0);
    this.cache.pin(slot);
    this.cache.setDirty(slot);
    this.changeCount++;
    const page = this.pages[slot]!;
    page.pgno = pgno;
    return page;
  }

  /** Shrinks the database to `pageCount` pages when the transaction commits. */
  truncate(pageCount: number): void {
    assert(this.state === 'write' && pageCount <= this.pageCount && pageCount >= 1, 'truncate within a write transaction');
    // Savepoints that remember a larger database need the dropped pages' images to restore them.
    const subJournal = this.subJournal;
    for (let pgno = pageCount + 1; subJournal.depth > 0 && pgno <= this.pageCount; pgno++) {
      if (!subJournal.needsImage(pgno)) continue;
      const page = this.get(pgno);
      subJournal.save(pgno, page.data);
      this.release(page);
    }
    if (this.originals !== null) this.saveDropped(pageCount);
    this.cache.dropAbove(pageCount);
    this.pageCount = pageCount;
    this.changeCount++;
  }

  /** In memory: keeps the committed images of the pages above `pageCount` that a truncation drops. */
  private saveDropped(pageCount: number): void {
    const last = Math.min(this.pageCount, this.committedPageCount);
    for (let pgno = pageCount + 1; pgno <= last; pgno++) {
      const slot = this.cache.lookup(pgno);
      if (slot >= 0 && !this.cache.isDirty(slot)) this.originals!.save(pgno, this.cache.data[slot]!);
    }
  }

  /** Starts a read transaction: reads see the database as last committed, until `endRead`. */
  beginRead(): void {
    this.checkOpen();
    if (this.state !== 'idle') return;
    this.refresh();
    this.shared.startRead(this, this.shared.log.snapshot());
    this.state = 'read';
  }

  /** Ends a read transaction. */
  endRead(): void {
    if (this.state !== 'read') return;
    this.shared.endRead(this);
    this.state = 'idle';
  }

  /**
   * Starts a write transaction (from idle, or upgrading a read transaction whose snapshot is still the
   * newest). A new, empty database gets its page 1 here. SQLITE_BUSY when another connection writes.
   */
  beginWrite(): void {
    this.checkOpen();
    if (this.readonly) throw new SqliteError('SQLITE_READONLY', 'attempt to write a readonly database');
    assert(this.state !== 'write', 'one write transaction at a time');
    assert(this.subJournal.depth === 0, 'no savepoint outlives its transaction');
    const shared = this.shared;
    if (this.state === 'read' && shared.snapshotOf(this) !== shared.log.snapshot()) {
      throw new SqliteError('SQLITE_BUSY', 'database is locked (the read transaction\'s snapshot is no longer the newest)');
    }
    shared.lockWrite(this);
    if (this.state === 'idle') {
      this.refresh();
      shared.startRead(this, shared.log.snapshot());
    }
    this.state = 'write';
    if (this.pageCount === 0 && shared.log.mode === 'wal') this.createWalDatabase();
    shared.log.beginWrite(this.committedPageCount);
    if (this.pageCount === 0) {
      const page1 = this.append();
      initHeader(page1.data, this.pageSize, shared.log.mode === 'wal', this.pageSize - this.usableSize);
      this.release(page1);
    }
  }

  /**
   * Makes the open write transaction durable (as `synchronous` allows) and ends it. In rollback mode
   * this is SQLITE_BUSY while other connections read; the transaction then stays open.
   */
  commit(): void {
    assert(this.state === 'write', 'commit inside a write transaction');
    assert(this.cache.pinnedTotal() === 0, 'no page is pinned at commit');
    const shared = this.shared;
    const log = shared.log;
    if (this.cache.dirty > 0 || log.hasSpilled()) {
      if (log.mode !== 'wal' && shared.hasOtherReaders(this)) {
        throw new SqliteError('SQLITE_BUSY', 'database is locked (other connections are reading)');
      }
      this.stampHeader();
      shared.fileDirty = log.mode !== 'wal';
      log.commit(this.cache.data, this.cache.pgnos, this.cache.dirtySlots(), this.pageCount, this.synchronous);
      this.cache.cleanAll();
      shared.version++;
      this.seenVersion = shared.version;
    } else {
      log.endWrite();
    }
    this.committedPageCount = this.pageCount;
    this.subJournal.clear();
    this.originals?.clear();
    this.finishWrite();
    if (log.mode === 'wal' && this.walAutoCheckpoint > 0 && log.backlog() >= this.walAutoCheckpoint) {
      // The commit is done: as in SQLite, a failed automatic checkpoint (disk full) does not undo it,
      // and the WAL, left whole, is checkpointed again later.
      try {
        this.checkpoint();
      } catch (err) {
        if (!(err instanceof SqliteError)) throw err;
      }
    }
  }

  /** Discards the open write transaction's changes and ends it. */
  rollback(): void {
    assert(this.state === 'write', 'rollback inside a write transaction');
    assert(this.cache.pinnedTotal() === 0, 'no page is pinned at rollback');
    const log = this.shared.log;
    const spilled = log.hasSpilled();
    log.rollback(this.committedPageCount);
    if (spilled) {
      this.cache.clear();
    } else {
      for (const slot of this.cache.dirtySlots()) this.cache.drop(slot);
    }
    this.pageCount = this.committedPageCount;
    if (this.originals !== null) {
      // The cache held the only copy of the changed pages: put their committed images back.
      const cache = this.cache;
      this.originals.forEach((pgno, image) => {
        let slot = cache.lookup(pgno);
        if (slot < 0) slot = this.claimSlot(pgno, false);
        cache.data[slot]!.set(image);
      });
      this.originals.clear();
    }
    this.subJournal.clear();
    this.finishWrite();
  }

  /** Number of open savepoints. */
  get savepointDepth(): number {
    return this.subJournal.depth;
  }

  /**
   * Opens a savepoint nested in the open ones (inside a write transaction) and returns its depth: 0 for
   * the outermost. Nothing is copied until a page changes.
   */
  openSavepoint(): number {
    assert(this.state === 'write', 'savepoints open inside a write transaction');
    return this.subJournal.open(this.pageCount);
  }

  /** Closes the savepoint at `depth` and every newer one; their changes stay in the transaction. */
  releaseSavepoint(depth: number): void {
    assert(this.state === 'write', 'savepoints are released inside a write transaction');
    this.subJournal.release(depth);
  }

  /**
   * Undoes every page change made since the savepoint at `depth` opened, appended and dropped pages
   * included, and closes the newer savepoints. The savepoint itself stays open.
   */
  rollbackToSavepoint(depth: number): void {
    assert(this.state === 'write', 'rollback to a savepoint inside a write transaction');
    assert(this.cache.pinnedTotal() === 0, 'no page is pinned at rollback to a savepoint');
    const pageCount = this.subJournal.pageCountAt(depth);
    this.cache.dropAbove(pageCount);
    this.pageCount = pageCount;
    const cache = this.cache;
    this.subJournal.rollback(depth, (pgno, image) => {
      // No spill here: a spill may fail (SQLITE_BUSY), and a rollback must not stop halfway.
      let slot = cache.lookup(pgno);
      if (slot < 0) slot = this.claimSlot(pgno, false);
      cache.data[slot]!.set(image);
      cache.setDirty(slot);
    });
  }

  /**
   * Copies the WAL's committed pages into the database file and empties the WAL. Skipped (returns false)
   * while another connection reads an older snapshot, whose pages the copy would overwrite.
   */
  checkpoint(): boolean {
    this.checkOpen();
    assert(this.state !== 'write', 'no checkpoint inside a write transaction');
    const shared = this.shared;
    if (shared.hasOlderReaders(this, shared.log.snapshot())) return false;
    shared.log.checkpoint(this.synchronous);
    shared.resetSnapshots();
    return true;
  }

  /**
   * Switches between WAL and rollback-journal mode (outside transactions), as `PRAGMA journal_mode`.
   * Only a database's sole connection can switch.
   */
  setJournalMode(mode: JournalMode): void {
    this.checkOpen();
    assert(this.state === 'idle', 'journal mode changes outside transactions');
    const shared = this.shared;
    if (mode === shared.log.mode || this.readonly) return;
    if (!shared.isAlone()) throw new SqliteError('SQLITE_BUSY', 'database is locked (other connections are open)');
    if (shared.log.mode === 'wal') shared.log.checkpoint(this.synchronous);
    // The header's version bytes say which mode the file is in; change them through a normal commit.
    this.beginWrite();
    const page1 = this.get(1);
    this.write(page1);
    page1.data[H.writeVersion] = page1.data[H.readVersion] = mode === 'wal' ? 2 : 1;
    this.release(page1);
    this.commit();
    if (mode === 'delete') shared.log.checkpoint(this.synchronous);
    shared.log.close(true);
    shared.log = openPageLog(shared.vfs, shared.path, shared.db, mode === 'wal', this.readonly);
  }

  /**
   * Closes the connection, rolling back an open write transaction. The last connection to a file
   * checkpoints (in WAL mode), removes the WAL, and closes the file.
   */
  close(): void {
    if (this.closed) return;
    if (this.state === 'write') this.rollback();
    this.endRead();
    this.closed = true;
    const shared = this.shared;
    if (shared.release(this)) closeShared(shared, this.synchronous);
  }

  /**
   * PRAGMA cache_size: resizes the cache to the slots `cacheSize` gives (positive = pages, negative =
   * KiB). Growing adds empty slots; shrinking drops clean pages and keeps those it must (pinned, and
   * dirty ones that find no room below the new size).
   */
  setCacheSize(cacheSize: number): void {
    // An in-memory database's cache holds the database itself: it is never made smaller.
    if (this.originals !== null) return;
    const slots = cacheSlots(cacheSize, this.pageSize);
    const cache = this.cache;
    if (slots > cache.capacity) {
      this.growCache(slots - cache.capacity);
    } else if (slots < cache.capacity) {
      cache.shrink(slots);
      const pages = this.pages;
      pages.length = cache.capacity;
      // Page objects whose slot moved to a new buffer are replaced; pinned ones keep theirs.
      for (let slot = 0; slot < pages.length; slot++) {
        const data = cache.data[slot];
        if (pages[slot]?.data !== data) pages[slot] = data === undefined ? undefined : { slot, pgno: 0, data };
      }
    }
  }

  /** Number of page slots in the cache: the bound on the memory pages take. */
  get cacheCapacity(): number {
    return this.cache.capacity;
  }

  /** Total pins held; tests assert it is zero between operations. */
  pinnedPages(): number {
    return this.cache.pinnedTotal();
  }

  /**
   * Gives a new WAL database its page 1 in the file itself, as SQLite creates one: readers (SQLite too)
   * discard a WAL beside an empty database file. The write goes through a rollback journal recording an
   * empty database, so a crash in the middle leaves a hot journal that truncates the file back to empty.
   */
  private createWalDatabase(): void {
    const shared = this.shared;
    const page1 = new Uint8Array(this.pageSize);
    initHeader(page1, this.pageSize, true, this.pageSize - this.usableSize);
    const journal = JournalWriter.begin(shared.vfs, `${shared.path}-journal`, this.pageSize, 0);
    journal.sync(this.synchronous);
    shared.db.write(page1, 0);
    if (this.synchronous !== 'off') shared.db.sync();
    journal.finish();
    this.committedPageCount = this.pageCount = 1;
    shared.version++;
    this.seenVersion = shared.version;
  }

  /**
   * Drops the cache and re-reads the database size when another connection committed since this one
   * last looked. Only commits change the committed size (one process owns the file), so otherwise the
   * size this connection knows is current and a transaction starts without touching the file.
   */
  private refresh(): void {
    const shared = this.shared;
    if (shared.version !== this.seenVersion) {
      assert(this.originals === null, 'an in-memory database has one connection');
      this.cache.clear();
      this.seenVersion = shared.version;
      this.committedPageCount = shared.log.committedPageCount(shared.db, this.pageSize);
    }
    this.pageCount = this.committedPageCount;
  }

  private finishWrite(): void {
    this.shared.unlockWrite(this);
    this.shared.endRead(this);
    this.state = 'idle';
  }

  /**
   * A cache slot for `pgno`. When every slot is pinned or dirty, a write transaction spills its dirty
   * pages to the log; if pinned pages still fill the cache, it grows (pins are bounded by the open
   * cursors' depth, so this stays small). Without `maySpill` the cache grows instead of spilling.
   */
  private claimSlot(pgno: number, maySpill = true): number {
    let slot = this.cache.claim(pgno);
    if (slot < 0 && this.state === 'write' && maySpill && this.cache.evicts) {
      this.spill();
      slot = this.cache.claim(pgno);
    }
    if (slot < 0) {
      this.growCache(Math.max(8, this.cache.capacity >>> 3));
      slot = this.cache.claim(pgno);
      assert(slot >= 0, 'a grown cache has a free slot');
    }
    // A slot's page object is made with its first page, like the slot's view.
    this.pages[slot] ??= { slot, pgno, data: this.cache.data[slot]! };
    return slot;
  }

  /** Adds `extra` empty slots to the cache (their page objects are made when first claimed). */
  private growCache(extra: number): void {
    const cache = this.cache;
    cache.grow(extra);
    this.pages.length = cache.capacity;
  }

  /** Writes the unpinned dirty pages to the log before commit so their slots can be reused. */
  private spill(): void {
    assert(this.state === 'write', 'only a write transaction has dirty pages');
    const slots = this.cache.dirtySlots().filter((slot) => !this.cache.isPinned(slot));
    if (slots.length === 0) return;
    if (this.shared.log.mode !== 'wal') {
      if (this.shared.hasOtherReaders(this)) {
        throw new SqliteError('SQLITE_BUSY', 'database is locked (the cache is full and other connections are reading)');
      }
      this.shared.fileDirty = true;
    }
    this.shared.log.spill(this.cache.data, this.cache.pgnos, slots, this.synchronous);
    for (const slot of slots) this.cache.setClean(slot);
  }

  /**
   * Updates page 1's header for the commit: database size, and the change counter with its
   * "version-valid-for" twin. Rollback mode stamps every commit (other processes detect changes by the
   * counter); WAL and memory modes only when page 1 is written anyway, the size changed, or only spilled
   * pages remain (a WAL commit frame then carries page 1).
   */
  private stampHeader(): void {
    const page1 = this.get(1);
    try {
      const d = page1.data;
      const page1Dirty = this.cache.isDirty(page1.slot);
      const sizeChanged = get32(d, H.pageCount) !== this.pageCount;
      if (this.shared.log.mode !== 'delete' && !page1Dirty && !sizeChanged && this.cache.dirty > 0) return;
      this.write(page1);
      const counter = (get32(d, H.changeCounter) + 1) >>> 0;
      put32(d, H.changeCounter, counter);
      put32(d, H.versionValidFor, counter);
      put32(d, H.pageCount, this.pageCount);
      put32(d, H.sqliteVersion, WRITER_VERSION);
    } finally {
      this.release(page1);
    }
  }

  private checkPage1(): void {
    const page1 = this.get(1);
    try {
      if (!hasMagic(page1.data)) throw new SqliteError('SQLITE_NOTADB', 'file is not a database');
      validateHeader(page1.data);
      if (headerPageSize(page1.data) !== this.pageSize) {
        throw new SqliteError('SQLITE_CORRUPT', 'database disk image is malformed: page size changed in the WAL');
      }
    } finally {
      this.release(page1);
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new SqliteError('SQLITE_MISUSE', 'database is closed');
  }
}

/** Opens the file behind a first connection: hot-journal rollback, header checks, the log. */
function openShared(vfs: Vfs, path: string, options: PagerOptions): SharedFile {
  const readonly = options.readonly === true;
  const db = vfs.open(path, { create: !readonly, readonly });
  try {
    // A crashed rollback-mode writer's journal is played back before anything is read.
    if (!readonly) rollbackHotJournal(vfs, `${path}-journal`, db);
    else if (isHotJournal(vfs, `${path}-journal`, db)) {
      throw new SqliteError('SQLITE_CANTOPEN', 'a hot journal needs rollback but the database is opened read-only');
    }
    const head = new Uint8Array(HEADER_SIZE);
    const got = db.read(head, 0);
    if (got > 0 && got < HEADER_SIZE) throw new SqliteError('SQLITE_NOTADB', 'file is not a database');
    if (got > 0) validateHeader(head);
    const requested = options.pageSize ?? DEFAULT_PAGE_SIZE;
    if (!isValidPageSize(requested)) throw new SqliteError('SQLITE_MISUSE', `invalid page size ${requested}`);
    const requestedMode = options.journalMode ?? 'wal';
    const walMode = got > 0 ? head[H.writeVersion] === 2 : requestedMode === 'wal';
    if (options.inMemory) assert(got === 0 && requestedMode === 'memory', 'an in-memory database starts empty, in journal mode memory');
    const log = options.inMemory
      ? new CacheOnlyLog()
      : !walMode && requestedMode === 'memory'
        ? new MemoryLog(db)
        : openPageLog(vfs, path, db, walMode, readonly);
    // The log knows the page size of a database whose file is still empty.
    const pageSize = got > 0 ? headerPageSize(head) : log.pageSize() || requested;
    if (log.pageSize() && log.pageSize() !== pageSize) {
      throw new SqliteError('SQLITE_CORRUPT', 'database disk image is malformed: WAL page size differs from the database');
    }
    const reserved = got > 0 ? head[H.reservedBytes]! : 0;
    return new SharedFile(vfs, path, db, readonly, log, pageSize, pageSize - reserved);
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Closes the file after its last connection: a final checkpoint, then the WAL is removed. */
function closeShared(shared: SharedFile, synchronous: Synchronous = 'full'): void {
  try {
    if (!shared.readonly && shared.log.mode === 'wal') shared.log.checkpoint(synchronous);
    shared.log.close(!shared.readonly);
  } finally {
    shared.db.close();
  }
}
