/**
 * Savepoints of a write transaction: a stack of levels, each able to undo every page change made since
 * it was opened, through a sub-journal of original page images.
 *
 * The sub-journal is one list of records (page number + the page's image just before it changed),
 * appended in time order. A level remembers where the list stood when it opened (`firstRecord`), the
 * database size then (`pageCount`), and the pages whose image it no longer needs saved (`saved`).
 * Before a page changes, its image is recorded once if any level still needs it; the one record serves
 * every level that needed it, since it lies after all their `firstRecord`s. Rolling back to a level
 * restores, for each page, the first record after that level's `firstRecord`: the image the page had
 * when the level opened. Pages past a level's `pageCount` never need saving for it (rolling back cuts
 * the database back to that size), except that a database that shrinks must first save the pages it
 * drops: the pager calls `needsImage`/`save` for them too.
 *
 * Records are kept until the outermost level is released, never cut on a rollback: after rolling back
 * to a level, its `saved` set still points at records that hold the right images, and so do the sets of
 * the levels outside it. Invariant: when the newest level's `saved` has a page, every level either has
 * it too or does not need it (so `needsImage` answers from one set lookup in the common case).
 *
 * Memory: the records live in memory, one page-sized buffer per distinct page changed per level (at
 * most the pages the transaction touches, times the nesting depth in the worst case), recycled through
 * a small pool. A sub-journal that spills to a temporary file past a bound is future work.
 */
import { assert } from '../common/assert.js';

/** One savepoint level. Level objects are reused (a statement savepoint opens and closes per statement). */
interface Level {
  /** Database size in pages when the level opened. */
  pageCount: number;
  /** Index of the first record made after the level opened. */
  firstRecord: number;
  /** Pages this level needs no (further) image of. */
  readonly saved: Set<number>;
}

/** Page buffers kept for reuse after the sub-journal empties. */
const POOL_LIMIT = 64;

export class SubJournal {
  private readonly pageSize: number;
  /** Open levels are `levels[0..count)`; the rest wait for reuse. */
  private readonly levels: Level[] = [];
  private count = 0;
  private readonly recordPgnos: number[] = [];
  private readonly recordImages: Uint8Array[] = [];
  private readonly pool: Uint8Array[] = [];

  constructor(pageSize: number) {
    this.pageSize = pageSize;
  }

  /** Number of open levels. */
  get depth(): number {
    return this.count;
  }

  /** Records currently held (tests use it to check that nothing is copied needlessly). */
  get recordCount(): number {
    return this.recordPgnos.length;
  }

  /** Database size when level `depth` opened. */
  pageCountAt(depth: number): number {
    assert(depth >= 0 && depth < this.count, 'savepoint level is open');
    return this.levels[depth]!.pageCount;
  }

  /** Opens a level for a database of `pageCount` pages; returns its depth (0 for the outermost). */
  open(pageCount: number): number {
    const depth = this.count++;
    const reused = this.levels[depth];
    if (reused) {
      reused.pageCount = pageCount;
      reused.firstRecord = this.recordPgnos.length;
      reused.saved.clear();
    } else {
      this.levels.push({ pageCount, firstRecord: this.recordPgnos.length, saved: new Set() });
    }
    return depth;
  }

  /**
   * Whether page `pgno`'s current image must be saved before it changes. When no level needs it, the
   * newest level remembers that, so the next question about it is a single lookup.
   */
  needsImage(pgno: number): boolean {
    const levels = this.levels;
    const newest = levels[this.count - 1]!;
    if (newest.saved.has(pgno)) return false;
    for (let i = 0; i < this.count; i++) {
      const level = levels[i]!;
      if (pgno <= level.pageCount && !level.saved.has(pgno)) return true;
    }
    newest.saved.add(pgno);
    return false;
  }

  /** Records `image` as page `pgno`'s image before its change; call only when `needsImage` said so. */
  save(pgno: number, image: Uint8Array): void {
    assert(image.length === this.pageSize, 'a saved image is one page');
    const copy = this.pool.pop() ?? new Uint8Array(this.pageSize);
    copy.set(image);
    this.recordPgnos.push(pgno);
    this.recordImages.push(copy);
    const levels = this.levels;
    for (let i = 0; i < this.count; i++) {
      const level = levels[i]!;
      if (pgno <= level.pageCount) level.saved.add(pgno);
    }
    levels[this.count - 1]!.saved.add(pgno);
  }

  /** Closes level `depth` and every newer one, keeping their changes. */
  release(depth: number): void {
    assert(depth >= 0 && depth < this.count, 'released savepoint level is open');
    this.count = depth;
    if (depth === 0) this.clear();
  }

  /**
   * Closes every level newer than `depth` and calls `restore` with the image each page had when level
   * `depth` opened, for every page changed since that is within the level's database size. Level
   * `depth` stays open.
   */
  rollback(depth: number, restore: (pgno: number, image: Uint8Array) => void): void {
    assert(depth >= 0 && depth < this.count, 'savepoint level rolled back to is open');
    this.count = depth + 1;
    const level = this.levels[depth]!;
    const done = new Set<number>();
    for (let r = level.firstRecord; r < this.recordPgnos.length; r++) {
      const pgno = this.recordPgnos[r]!;
      if (pgno > level.pageCount || done.has(pgno)) continue;
      done.add(pgno);
      restore(pgno, this.recordImages[r]!);
    }
  }

  /** Drops every level and record (the transaction ended). */
  clear(): void {
    this.count = 0;
    // Most transactions saved nothing: their arrays are left alone.
    if (this.recordImages.length === 0) return;
    for (const image of this.recordImages) if (this.pool.length < POOL_LIMIT) this.pool.push(image);
    this.recordPgnos.length = 0;
    this.recordImages.length = 0;
  }
}
