/**
 * A database file seen as a set of B-trees: table trees keyed by 64-bit rowid and index trees keyed by
 * records. This module owns what all trees share: page allocation through the freelist, overflow
 * chains, the header's meta values, and creating, clearing and dropping trees. Cursors (cursor.ts) do the
 * reading and writing of entries; balance.ts keeps the trees shaped.
 *
 * Invariants: every page is in exactly one tree, in the freelist, or (auto-vacuum files) a pointer-map
 * page; the header's freelist count equals the number of pages on the freelist; freed pages are never
 * read again for their contents.
 */
import { assert } from '../common/assert.js';
import { SqliteError, corrupt } from '../common/errors.js';
import { H, get32, put32 } from '../pager/header.js';
import { Pager, type Page, type PagerOptions } from '../pager/pager.js';
import type { Vfs } from '../vfs/vfs.js';
import type { KeyInfo } from '../record/compare.js';
import { BtCursor } from './cursor.js';
import {
  CellInfo,
  LEAF_INDEX,
  LEAF_TABLE,
  PayloadLimits,
  cellCount,
  cellOffset,
  hdrOffset,
  isLeafType,
  pageType,
  parseCell,
  rightChild,
  writePage,
} from './format.js';

/** Deepest tree a cursor follows; deeper means a cycle in a corrupt file. */
export const MAX_DEPTH = 40;

export class Btree {
  readonly pager: Pager;
  readonly limits: PayloadLimits;
  /** A page-sized buffer for defragmentation and payload assembly. */
  readonly scratch: Uint8Array;
  /** Open cursors: few, and opened and closed by every statement, so an array rather than a Set. */
  private readonly cursors: BtCursor[] = [];
  private readonly info = new CellInfo();

  constructor(pager: Pager) {
    this.pager = pager;
    this.limits = new PayloadLimits(pager.usableSize);
    this.scratch = new Uint8Array(pager.pageSize);
  }

  /** Opens the database file at `path` on `vfs`. */
  static open(vfs: Vfs, path: string, options: PagerOptions = {}): Btree {
    return new Btree(Pager.open(vfs, path, options));
  }

  get usableSize(): number {
    return this.limits.usable;
  }

  // ---- transactions -------------------------------------------------------------------------------

  beginRead(): void {
    this.pager.beginRead();
  }

  endRead(): void {
    this.releaseCursors();
    this.pager.endRead();
  }

  beginWrite(): void {
    this.pager.beginWrite();
    this.checkWritable();
  }

  commit(): void {
    this.releaseCursors();
    this.pager.commit();
  }

  rollback(): void {
    this.releaseCursors();
    this.pager.rollback();
  }

  /** Opens a savepoint inside the write transaction; returns its depth (0 for the outermost). */
  openSavepoint(): number {
    return this.pager.openSavepoint();
  }

  /** Closes the savepoint at `depth` and every newer one, keeping their changes. */
  releaseSavepoint(depth: number): void {
    this.pager.releaseSavepoint(depth);
  }

  /**
   * Undoes every change made since the savepoint at `depth` opened; it stays open, newer ones close.
   * Open cursors let go of their pages first and seek back when next used, as after a full rollback.
   */
  rollbackToSavepoint(depth: number): void {
    this.releaseCursors();
    this.pager.rollbackToSavepoint(depth);
  }

  close(): void {
    for (const cursor of [...this.cursors]) cursor.close();
    this.pager.close();
  }

  // ---- header meta values -------------------------------------------------------------------------

  /** A 4-byte header field at byte offset `field` (use `H` from pager/header.ts). 0 for an empty file. */
  getMeta(field: number): number {
    if (this.pager.pageCount === 0) return 0;
    const page1 = this.pager.get(1);
    const value = get32(page1.data, field);
    this.pager.release(page1);
    return value;
  }

  /** Sets a 4-byte header field (inside a write transaction). */
  setMeta(field: number, value: number): void {
    assert(field >= H.freelistTrunk && field + 4 <= 100, 'meta field is a 4-byte header field');
    const page1 = this.pager.get(1);
    this.pager.write(page1);
    put32(page1.data, field, value >>> 0);
    this.pager.release(page1);
  }

  // ---- trees --------------------------------------------------------------------------------------

  /** Creates an empty tree and returns its root page number. */
  createTree(kind: 'table' | 'index'): number {
    const page = this.allocatePage();
    writePage(page.data, 0, kind === 'table' ? LEAF_TABLE : LEAF_INDEX, [], 0, 0, 0, this.limits.usable);
    const root = page.pgno;
    this.pager.release(page);
    return root;
  }

  /** Removes every entry of the tree at `root`; the root page stays, as an empty leaf. */
  clearTree(root: number): void {
    this.invalidateCursors(root, null);
    const page = this.pager.get(root);
    try {
      const hdr = hdrOffset(root);
      const type = pageType(page.data, hdr, root);
      this.freeSubtrees(page, type, 0);
      this.pager.write(page);
      writePage(page.data, hdr, isLeafType(type) ? type : type | 8, [], 0, 0, 0, this.limits.usable);
    } finally {
      this.pager.release(page);
    }
  }

  /** Frees every page of the tree at `root`, the root included. Page 1 (`sqlite_schema`) cannot be dropped. */
  dropTree(root: number): void {
    if (root < 2) throw new SqliteError('SQLITE_ERROR', 'cannot drop the schema table');
    this.clearTree(root);
    this.freePage(root);
  }

  /**
   * Opens a cursor on the tree at `root`: a table cursor when `keyInfo` is null, else an index cursor.
   * `spare`, a closed cursor its owner kept, is reopened instead of making a new one when it was made
   * for the same tree and key (a statement run again reuses its cursors).
   */
  cursor(root: number, keyInfo: KeyInfo | null = null, spare: BtCursor | null = null): BtCursor {
    const cursor = spare !== null && spare.reusableFor(this, root, keyInfo) ? spare.reopen() : new BtCursor(this, root, keyInfo);
    this.cursors.push(cursor);
    return cursor;
  }

  /** Called by a cursor's `close`. */
  forgetCursor(cursor: BtCursor): void {
    const at = this.cursors.indexOf(cursor);
    if (at < 0) return;
    const last = this.cursors.pop()!;
    if (at < this.cursors.length) this.cursors[at] = last;
  }

  /**
   * Before a tree changes, every other cursor positioned on it remembers its key and lets go of its
   * pages; it seeks back to that key when next used.
   */
  invalidateCursors(root: number, except: BtCursor | null): void {
    const cursors = this.cursors;
    for (let i = 0; i < cursors.length; i++) {
      const cursor = cursors[i]!;
      if (cursor !== except && cursor.root === root) cursor.savePosition();
    }
  }

  private releaseCursors(): void {
    for (const cursor of this.cursors) cursor.savePosition();
  }

  private checkWritable(): void {
    if (this.getMeta(H.largestRootPage) !== 0) {
      this.pager.rollback();
      throw new SqliteError('SQLITE_READONLY', 'Hearth cannot yet write auto-vacuum databases; this file is readable only');
    }
  }

  /** Frees the children (and their subtrees and overflow chains) of an interior page, or the overflow chains of a leaf. */
  private freeSubtrees(page: Page, type: number, depth: number): void {
    if (depth > MAX_DEPTH) throw corrupt(`tree deeper than ${MAX_DEPTH} at page ${page.pgno}`);
    const data = page.data;
    const hdr = hdrOffset(page.pgno);
    const n = cellCount(data, hdr);
    const info = this.info;
    for (let i = 0; i < n; i++) {
      parseCell(data, cellOffset(data, hdr, type, i), type, this.limits, info);
      if (info.overflowPgno) this.freeOverflow(info.overflowPgno, info.payloadSize - info.localSize);
      if (info.child) this.freeChild(info.child, depth);
    }
    if (!isLeafType(type)) this.freeChild(rightChild(data, hdr), depth);
  }

  private freeChild(pgno: number, depth: number): void {
    this.checkPgno(pgno, 'child');
    const child = this.pager.get(pgno);
    try {
      const type = pageType(child.data, hdrOffset(pgno), pgno);
      this.freeSubtrees(child, type, depth + 1);
    } finally {
      this.pager.release(child);
    }
    this.freePage(pgno);
  }

  // ---- page allocation ----------------------------------------------------------------------------

  /** A page for new content: the freelist's if it has one, else a new page at the end. Pinned, writable, zeroed. */
  allocatePage(): Page {
    const page1 = this.pager.get(1);
    try {
      const freeCount = get32(page1.data, H.freelistCount);
      const trunkPgno = get32(page1.data, H.freelistTrunk);
      if (freeCount === 0 || trunkPgno === 0) return this.pager.append();
      this.checkPgno(trunkPgno, 'freelist trunk');
      this.pager.write(page1);
      put32(page1.data, H.freelistCount, freeCount - 1);
      const trunk = this.pager.get(trunkPgno);
      const leafCount = get32(trunk.data, 4);
      let pgno: number;
      if (leafCount > 0) {
        // Take the trunk's last leaf.
        try {
          if (leafCount > (this.limits.usable >>> 2) - 2) throw corrupt(`freelist trunk ${trunkPgno} claims ${leafCount} leaves`);
          pgno = get32(trunk.data, 8 + 4 * (leafCount - 1));
          this.checkPgno(pgno, 'freelist leaf');
        } catch (err) {
          this.pager.release(trunk);
          throw err;
        }
        this.pager.write(trunk);
        put32(trunk.data, 4, leafCount - 1);
        this.pager.release(trunk);
      } else {
        // An empty trunk is itself the page handed out.
        put32(page1.data, H.freelistTrunk, get32(trunk.data, 0));
        pgno = trunkPgno;
        this.pager.write(trunk);
        trunk.data.fill(0);
        return trunk;
      }
      const page = this.pager.get(pgno);
      this.pager.write(page);
      page.data.fill(0);
      return page;
    } finally {
      this.pager.release(page1);
    }
  }

  /** Puts page `pgno` on the freelist. */
  freePage(pgno: number): void {
    assert(pgno > 1 && pgno <= this.pager.pageCount, 'freed page is in the file');
    const page1 = this.pager.get(1);
    try {
      this.pager.write(page1);
      const freeCount = get32(page1.data, H.freelistCount);
      const trunkPgno = get32(page1.data, H.freelistTrunk);
      put32(page1.data, H.freelistCount, freeCount + 1);
      if (trunkPgno !== 0) {
        this.checkPgno(trunkPgno, 'freelist trunk');
        const trunk = this.pager.get(trunkPgno);
        const leafCount = get32(trunk.data, 4);
        // SQLite leaves the last six slots of a trunk unused, for readers older than 3.6.0.
        if (leafCount < (this.limits.usable >>> 2) - 8) {
          this.pager.write(trunk);
          put32(trunk.data, 8 + 4 * leafCount, pgno);
          put32(trunk.data, 4, leafCount + 1);
          this.pager.release(trunk);
          return;
        }
        this.pager.release(trunk);
      }
      const page = this.pager.get(pgno);
      this.pager.write(page);
      page.data.fill(0);
      put32(page.data, 0, trunkPgno);
      this.pager.release(page);
      put32(page1.data, H.freelistTrunk, pgno);
    } finally {
      this.pager.release(page1);
    }
  }

  checkPgno(pgno: number, what: string): void {
    if (pgno < 2 || pgno > this.pager.pageCount) throw corrupt(`${what} page ${pgno} is out of range`);
  }

  // ---- overflow chains ----------------------------------------------------------------------------

  /**
   * Stores `payload[from..]` in a new overflow chain and returns its first page. Each overflow page
   * holds a 4-byte next-page number and `usable - 4` bytes of payload.
   */
  writeOverflow(payload: Uint8Array, from: number): number {
    const per = this.limits.usable - 4;
    let first = 0;
    let prev: Page | null = null;
    try {
      for (let at = from; at < payload.length; at += per) {
        const page = this.allocatePage();
        const n = Math.min(per, payload.length - at);
        page.data.set(payload.subarray(at, at + n), 4);
        if (prev) {
          put32(prev.data, 0, page.pgno);
          this.pager.release(prev);
        } else {
          first = page.pgno;
        }
        prev = page;
      }
    } finally {
      if (prev) this.pager.release(prev);
    }
    return first;
  }

  /** Copies `count` bytes of an overflow chain starting at `pgno` into `out` at `at`. */
  readOverflow(pgno: number, out: Uint8Array, at: number, count: number): void {
    const per = this.limits.usable - 4;
    let pages = 0;
    const maxPages = Math.ceil(count / per);
    while (count > 0) {
      if (++pages > maxPages) throw corrupt('overflow chain is longer than its payload');
      this.checkPgno(pgno, 'overflow');
      const page = this.pager.get(pgno);
      const n = Math.min(per, count);
      out.set(page.data.subarray(4, 4 + n), at);
      const next = get32(page.data, 0);
      this.pager.release(page);
      at += n;
      count -= n;
      pgno = next;
      if (count > 0 && pgno === 0) throw corrupt('overflow chain ends before its payload');
    }
  }

  /** Frees an overflow chain holding `count` bytes. */
  freeOverflow(pgno: number, count: number): void {
    const per = this.limits.usable - 4;
    let pages = Math.ceil(count / per);
    while (pages-- > 0) {
      this.checkPgno(pgno, 'overflow');
      const page = this.pager.get(pgno);
      const next = get32(page.data, 0);
      this.pager.release(page);
      this.freePage(pgno);
      pgno = next;
      if (pages > 0 && pgno === 0) throw corrupt('overflow chain ends before its payload');
    }
  }
}
