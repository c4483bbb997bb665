/**
 * Building an index B-tree bottom-up from entries given in ascending key order, as CREATE INDEX and
 * REINDEX do after sorting the keys: each page is filled in turn and written once, instead of each
 * entry being inserted from the root with splits and rebalancing along the way.
 *
 * Every level of the tree under construction has one open page, kept as an image in a buffer. An
 * entry that does not fit on the open page of its level is held back ("pending") until the next
 * entry of that level arrives: only then is the open page closed (written to a newly allocated
 * page) and the pending entry moved up as the divider between that page and the next one, so no page
 * is ever left empty. When the input ends, a still-pending entry takes its level's last cell up as
 * the divider instead and starts a last page of its own. The open page of the top level is finally
 * written into the tree's root page.
 *
 * Pages come out full (except each level's last); every page is valid when written, with cells in
 * key order, and an entry's overflow chain travels with its cell when the cell moves up.
 *
 * Cells are handled in their interior form throughout: a 4-byte left-child pointer followed by the
 * payload size, the local payload and the overflow page number if any. A leaf stores them without the
 * pointer.
 */
import { assert } from '../common/assert.js';
import { get32, put16, put32 } from '../pager/header.js';
import { putVarint } from '../record/varint.js';
import type { Btree } from './btree.js';
import { INTERIOR_INDEX, LEAF_INDEX, cellCount, hdrOffset, headerSize, pageType } from './format.js';

/** One level of the tree under construction: its open page and the entry held back above it. */
class Level {
  /** Image of the open page (header at 0, cells packed down from `usable`). */
  readonly image: Uint8Array;
  nCell = 0;
  /** Start of the cell content area of the image. */
  top: number;
  /** Size of the cell written last (in its interior form), to take it back off at the end. */
  lastSize = 0;
  /** The entry held back in its interior form, or -1 when none is. */
  pendingSize = -1;
  readonly pending: Uint8Array;

  constructor(
    readonly leaf: boolean,
    readonly usable: number,
  ) {
    this.image = new Uint8Array(usable);
    this.pending = new Uint8Array(usable);
    this.top = usable;
  }

  /** Whether a cell of `size` bytes (interior form) fits beside those on the open page. */
  fits(size: number): boolean {
    const onPage = this.leaf ? Math.max(4, size - 4) : size;
    return headerSize(this.leaf ? LEAF_INDEX : INTERIOR_INDEX) + 2 * (this.nCell + 1) + onPage <= this.top;
  }

  /** Appends the cell `src[0, size)` (interior form) to the open page; the caller has checked it fits. */
  put(src: Uint8Array, size: number): void {
    const from = this.leaf ? 4 : 0;
    const onPage = Math.max(4, size - from);
    const image = this.image;
    const top = (this.top -= onPage);
    for (let k = from; k < size; k++) image[top + k - from] = src[k]!;
    for (let k = size - from; k < onPage; k++) image[top + k] = 0;
    put16(this.image, headerSize(this.leaf ? LEAF_INDEX : INTERIOR_INDEX) + 2 * this.nCell, this.top);
    this.nCell++;
    this.lastSize = size;
  }

  /** Takes the cell written last off the open page, copying it (interior form, child pointer zero) into `out`. */
  takeLast(out: Uint8Array): number {
    const from = this.leaf ? 4 : 0;
    const size = this.lastSize;
    put32(out, 0, 0);
    out.set(this.image.subarray(this.top, this.top + size - from), from);
    this.top += Math.max(4, size - from);
    this.nCell--;
    return size;
  }

  /** Writes the page header into the image; `right` is the right child of an interior page. */
  seal(right: number): void {
    const image = this.image;
    const type = this.leaf ? LEAF_INDEX : INTERIOR_INDEX;
    image[0] = type;
    put16(image, 1, 0);
    put16(image, 3, this.nCell);
    put16(image, 5, this.top === 65536 ? 0 : this.top);
    image[7] = 0;
    if (!this.leaf) put32(image, 8, right);
    const ptrEnd = headerSize(type) + 2 * this.nCell;
    image.fill(0, ptrEnd, this.top);
  }

  /** Empties the open page. */
  reset(): void {
    this.nCell = 0;
    this.top = this.usable;
  }
}

/** Builds the index tree rooted at `root`, which must be empty, from entries added in ascending order. */
export class IndexTreeBuilder {
  private readonly levels: Level[] = [];
  /** Scratch for one cell in its interior form. */
  private readonly cell: Uint8Array;
  private readonly moved: Uint8Array;
  private entries = 0;
  private finished = false;

  constructor(
    private readonly bt: Btree,
    private readonly root: number,
  ) {
    assert(root > 1, 'an index root is never page 1');
    const page = bt.pager.get(root);
    try {
      const hdr = hdrOffset(root);
      assert(pageType(page.data, hdr, root) === LEAF_INDEX && cellCount(page.data, hdr) === 0, 'bulk load into an empty index tree');
    } finally {
      bt.pager.release(page);
    }
    bt.invalidateCursors(root, null);
    const usable = bt.limits.usable;
    this.cell = new Uint8Array(usable);
    this.moved = new Uint8Array(usable);
    this.levels.push(new Level(true, usable));
  }

  /** Adds the entry `record[off, off + len)`, which must sort after every entry added before. */
  add(record: Uint8Array, off: number, len: number): void {
    assert(!this.finished, 'add after finish');
    const limits = this.bt.limits;
    const local = limits.localSize(len, false);
    const cell = this.cell;
    let p = 4 + putVarint(cell, 4, len);
    for (let k = 0; k < local; k++) cell[p + k] = record[off + k]!;
    p += local;
    if (local < len) {
      put32(cell, p, this.bt.writeOverflow(record.subarray(off, off + len), local));
      p += 4;
    }
    put32(cell, 0, 0);
    this.entries++;
    this.push(0, cell, p);
  }

  /** Writes what remains open and completes the tree in its root page. */
  finish(): void {
    assert(!this.finished, 'finish once');
    this.finished = true;
    if (this.entries === 0) return;
    let lastChild = 0;
    for (let d = 0; d < this.levels.length; d++) {
      const level = this.levels[d]!;
      if (level.pendingSize >= 0) {
        // The held-back entry ends the input: the open page's last cell becomes the divider instead,
        // and the held-back entry starts the level's last page.
        const size = level.takeLast(this.moved);
        const right = level.leaf ? 0 : get32(this.moved, 0);
        const pgno = this.close(level, right);
        put32(this.moved, 0, pgno);
        this.push(d + 1, this.moved, size);
        level.put(level.pending, level.pendingSize);
        level.pendingSize = -1;
      }
      if (d === this.levels.length - 1) {
        this.writeRoot(level, lastChild);
        return;
      }
      lastChild = this.close(level, lastChild);
    }
  }

  /** Adds the cell `src[0, size)` (interior form) to level `d`. */
  private push(d: number, src: Uint8Array, size: number): void {
    if (d === this.levels.length) this.levels.push(new Level(false, this.bt.limits.usable));
    const level = this.levels[d]!;
    if (level.pendingSize >= 0) {
      // A successor arrived: close the open page and send the held-back entry up as its divider.
      const right = level.leaf ? 0 : get32(level.pending, 0);
      const pgno = this.close(level, right);
      put32(level.pending, 0, pgno);
      const pendingSize = level.pendingSize;
      level.pendingSize = -1;
      this.push(d + 1, level.pending, pendingSize);
      level.put(src, size);
    } else if (level.fits(size)) {
      level.put(src, size);
    } else {
      level.pending.set(src.subarray(0, size));
      level.pendingSize = size;
    }
  }

  /** Writes the open page of `level` to a new page and empties it; returns the new page's number. */
  private close(level: Level, right: number): number {
    level.seal(right);
    const page = this.bt.allocatePage();
    page.data.set(level.image);
    const pgno = page.pgno;
    this.bt.pager.release(page);
    level.reset();
    return pgno;
  }

  private writeRoot(level: Level, right: number): void {
    level.seal(right);
    const pager = this.bt.pager;
    const page = pager.get(this.root);
    try {
      pager.write(page);
      page.data.set(level.image);
    } finally {
      pager.release(page);
    }
  }
}

