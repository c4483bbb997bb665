/**
 * The log of an in-memory database (SQLite's journal_mode=MEMORY): no journal file and no sync. Commits
 * write the changed pages straight into the database file in place; a rollback needs nothing unless
 * the transaction spilled pages into the file early, and for that case the log keeps, in memory, the
 * image each such page had when the transaction began.
 *
 * Atomicity without a journal file rests on one rule: before any page is written, the file is grown
 * to the size it will have, so that on a memory-backed VFS (whose only failure is running out of memory
 * while growing) nothing can fail once the first page has changed. Durability is not promised: a crash
 * loses the database, which lives in memory anyway.
 *
 * Invariants: `originals` holds exactly the pages numbered ≤ `initialPageCount` that a spill of the
 * open transaction overwrote, each with its image from before the transaction; `spilled` tells whether
 * the file differs from the last commit.
 */
import type { VfsFile } from '../vfs/vfs.js';
import { InPlaceLog } from './log.js';
import { OriginalImages } from './original-images.js';
import type { Synchronous } from './pager.js';

export class MemoryLog extends InPlaceLog {
  readonly mode = 'memory' as const;
  private readonly originals = new OriginalImages();
  private initialPageCount = 0;
  /** Page size of the pages written so far (0 before the first write). */
  private pageBytes = 0;
  private spilled = false;

  constructor(db: VfsFile) {
    super(db);
  }

  beginWrite(committedPageCount: number): void {
    this.initialPageCount = committedPageCount;
    this.spilled = false;
  }

  spill(data: readonly Uint8Array[], pgnos: Uint32Array, slots: readonly number[]): void {
    this.pageBytes = data[slots[0]!]!.length;
    for (const slot of slots) this.saveOriginal(pgnos[slot]!);
    this.spilled = true;
    this.writePages(data, pgnos, slots);
  }

  hasSpilled(): boolean {
    return this.spilled;
  }

  commit(data: readonly Uint8Array[], pgnos: Uint32Array, slots: readonly number[], pageCount: number, sync: Synchronous): void {
    if (slots.length > 0) {
      this.pageBytes = data[slots[0]!]!.length;
      this.writePages(data, pgnos, slots);
    }
    if (this.pageBytes > 0) this.finishInPlace(pageCount, this.pageBytes, sync);
    else if (sync !== 'off') this.db.sync();
    this.forget();
  }

  endWrite(): void {
    this.forget();
  }

  rollback(): void {
    if (this.spilled) {
      const pageSize = this.pageBytes;
      this.originals.forEach((pgno, image) => this.db.write(image, (pgno - 1) * pageSize));
      // Pages the transaction added are cut off again.
      if (this.db.size() > this.initialPageCount * pageSize) this.db.truncate(this.initialPageCount * pageSize);
    }
    this.forget();
  }

  close(): void {
    if (this.spilled) this.rollback();
  }

  /** Keeps page `pgno`'s image from before the transaction, unless it is new or already kept. */
  private saveOriginal(pgno: number): void {
    if (pgno > this.initialPageCount) return;
    const image = this.originals.take(pgno, this.pageBytes);
    if (image !== null) this.readPage(pgno, image);
  }

  /** Writes the pages in place, after growing the file to hold the highest of them. */
  private writePages(data: readonly Uint8Array[], pgnos: Uint32Array, slots: readonly number[]): void {
    const pageSize = this.pageBytes;
    let highest = 0;
    for (const slot of slots) if (pgnos[slot]! > highest) highest = pgnos[slot]!;
    if (this.db.size() < highest * pageSize) this.db.truncate(highest * pageSize);
    this.writeInPlace(data, pgnos, slots, pageSize);
  }

  private forget(): void {
    this.originals.clear();
    this.spilled = false;
  }
}
