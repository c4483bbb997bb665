/**
 * A cursor over one B-tree: positioning (first, last, seek, next, prev), reading the current entry, and
 * inserting and deleting entries.
 *
 * A positioned cursor pins the pages on its path from the root (`pages[0..depth]`); `idx[level]` is the
 * cell index on that page — on an interior page, the child taken (nCell meaning the right child). In an
 * index tree entries live on interior pages too, so an index cursor can rest on an interior cell.
 *
 * When its tree changes under it (another cursor wrote, or it wrote itself), a cursor saves its key,
 * releases its pages and seeks back on next use (`state === 'saved'`). `skip` then records where the
 * seek landed relative to the saved key, so next/prev after a delete neither skip nor repeat an entry.
 * One exception: a cursor that inserted a row into a table leaf, or deleted an entry from any leaf,
 * without rebalancing keeps its path (still exact, as nothing else changed the tree), so that the next
 * seek near it (an UPDATE or DELETE walking a range, index entries removed in key order) searches that
 * leaf alone. A DELETE that names the row it deletes next also
 * defers rebalancing a leaf that runs low while that row is still in it, so that each leaf of a range is
 * rebalanced once (an underfull leaf is a valid tree; an empty one never stays). Any change by another
 * cursor still makes it let go of its pages.
 */
import { assert } from '../common/assert.js';
import { SqliteError, corrupt } from '../common/errors.js';
import { get32, put32 } from '../pager/header.js';
import type { Page } from '../pager/pager.js';
import { UnpackedKey, compareKeyToRecord, type KeyInfo } from '../record/compare.js';
import type { RecordReader } from '../record/record.js';
import { getVarint32, putVarint, varintLength, varintSize, type Int64 } from '../record/varint.js';
import { balanceAfterDelete, balanceOverfull, isUnderfull } from './balance.js';
import { MAX_DEPTH, type Btree } from './btree.js';
import {
  CellInfo,
  LEAF_INDEX,
  LEAF_TABLE,
  cellCount,
  cellOffset,
  dropCell,
  dropCells,
  hdrOffset,
  insertCell,
  isLeafType,
  reserveCell,
  tableCellKey,
  isTableType,
  pageType,
  parseCell,
  rawCellSize,
  releaseSpace,
  rightChild,
} from './format.js';

type CursorState = 'unpositioned' | 'valid' | 'eof' | 'saved';

/** The payload buffer of a cursor that has not needed one yet (shared: it is never written). */
const NO_BYTES = new Uint8Array(0);

/** The rowid of cell `i` of a table page (leaf or interior). */
function keyAt(data: Uint8Array, hdr: number, type: number, i: number, usable: number): Int64 {
  return tableCellKey(data, cellOffset(data, hdr, type, i), type, usable);
}

/** The first of the `n` cells of a table page whose rowid is at least `rowid`; `n` when there is none. */
function firstKeyAtLeast(data: Uint8Array, hdr: number, type: number, n: number, rowid: number | bigint, usable: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyAt(data, hdr, type, mid, usable) < rowid) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A rowid in Hearth's form: a number when it is a safe integer (so `5n` finds rowid 5). */
function normalizeRowid(rowid: Int64): Int64 {
  return typeof rowid === 'bigint' && rowid >= -9007199254740991n && rowid <= 9007199254740991n ? Number(rowid) : rowid;
}

/**
 * Index entries in ascending key order, as a sorted `RecordSorter` holds them: entry `i` is
 * `buffer[start(i), start(i) + length(i))`.
 */
export interface SortedEntries {
  readonly count: number;
  readonly buffer: Uint8Array;
  start(i: number): number;
  length(i: number): number;
}

/** `gallopInLeaf`: every cell searched is below the key. */
const PAST_LEAF = -1;

export class BtCursor {
  readonly bt: Btree;
  readonly root: number;
  readonly keyInfo: KeyInfo | null;
  /** Whether this is a table (rowid-keyed) tree. */
  readonly isTable: boolean;

  state: CursorState = 'unpositioned';
  depth = -1;
  // Plain arrays, not typed ones: a cursor is opened per statement execution, and typed arrays cost an
  // allocation of their own each.
  readonly pages: Page[] = [];
  readonly types: number[] = [];
  readonly idx: number[] = [];

  private readonly info = new CellInfo();
  private infoValid = false;
  private payloadBuf = NO_BYTES;
  /**
   * The rowid the last `seekRowid` looked for and its result, while the cursor has not moved since: an
   * insert of that rowid lands where the seek left the cursor instead of seeking again. Null otherwise.
   */
  private seekedRowid: Int64 | null = null;
  private seekedResult = 0;
  private savedRowid: Int64 = 0;
  /** An index cursor's saved key: `savedRecord[0, savedLength)`, the buffer reused from save to save. */
  private savedRecord = new Uint8Array(0);
  private savedLength = 0;
  private skip = 0;
  private readonly seekKey: UnpackedKey | null;
  /** `deleteEntries`' cell positions in the current leaf, reused. */
  private readonly run: number[] = [];
  private closed = false;

  constructor(bt: Btree, root: number, keyInfo: KeyInfo | null) {
    this.bt = bt;
    this.root = root;
    this.keyInfo = keyInfo;
    this.isTable = keyInfo === null;
    this.seekKey = keyInfo ? new UnpackedKey() : null;
  }

  /** Whether the cursor rests on an entry. */
  get valid(): boolean {
    if (this.state === 'saved') this.restore();
    return this.state === 'valid';
  }

  // ---- positioning --------------------------------------------------------------------------------

  /** Moves to the first entry; false when the tree is empty. */
  first(): boolean {
    return this.moveToEnd(false);
  }

  /** Moves to the last entry; false when the tree is empty. */
  last(): boolean {
    return this.moveToEnd(true);
  }

  /** Moves to the next entry; false (and eof) past the last. */
  next(): boolean {
    if (this.state === 'saved') {
      this.restore();
      if (this.skip > 0) {
        this.skip = 0;
        return this.valid;
      }
    }
    if (this.state !== 'valid') return false;
    this.infoValid = false;
    this.seekedRowid = null;
    let d = this.depth;
    let page = this.pages[d]!;
    let hdr = hdrOffset(page.pgno);
    if (!isLeafType(this.types[d]!)) {
      // An index cursor on an interior cell: the next entry is the leftmost of the following child.
      this.idx[d]!++;
      this.descend(this.childAt(d));
      this.moveToLeftmost();
      return true;
    }
    if (++this.idx[d]! < cellCount(page.data, hdr)) return true;
    do {
      if (d === 0) return this.setEof();
      this.pop();
      d = this.depth;
      page = this.pages[d]!;
      hdr = hdrOffset(page.pgno);
    } while (this.idx[d]! >= cellCount(page.data, hdr));
    if (this.isTable) {
      this.idx[d]!++;
      this.descend(this.childAt(d));
      this.moveToLeftmost();
    }
    return true;
  }

  /** Moves to the previous entry; false (and eof) before the first. */
  prev(): boolean {
    if (this.state === 'saved') {
      this.restore();
      if (this.skip < 0) {
        this.skip = 0;
        return this.valid;
      }
    }
    if (this.state !== 'valid') return false;
    this.infoValid = false;
    this.seekedRowid = null;
    let d = this.depth;
    if (!isLeafType(this.types[d]!)) {
      // An index cursor on interior cell i: the previous entry is the rightmost of child i.
      this.descend(this.childAt(d));
      this.moveToRightmost();
      return true;
    }
    if (this.idx[d]! > 0) {
      this.idx[d]!--;
      return true;
    }
    do {
      if (d === 0) return this.setEof();
      this.pop();
      d = this.depth;
    } while (this.idx[d] === 0);
    this.idx[d]!--;
    if (this.isTable) {
      this.descend(this.childAt(d));
      this.moveToRightmost();
    }
    return true;
  }

  /**
   * Positions a table cursor near `rowid`. Returns 0 when it rests on `rowid`, a negative number when it
   * rests on a smaller entry, a positive one when on a larger entry (or the tree is empty: -1, eof).
   */
  seekRowid(key: Int64): number {
    assert(this.isTable, 'seekRowid on a table cursor');
    const rowid = normalizeRowid(key);
    if (this.depth > 0 && this.types[this.depth] === LEAF_TABLE) {
      const c = this.seekRowidInLeaf(rowid);
      if (c !== 2) return c;
    }
    if (!this.moveToRoot()) {
      this.setEof();
      return -1;
    }
    const usable = this.bt.limits.usable;
    for (;;) {
      const d = this.depth;
      const page = this.pages[d]!;
      const data = page.data;
      const hdr = hdrOffset(page.pgno);
      const type = this.types[d]!;
      const n = cellCount(data, hdr);
      const lo = firstKeyAtLeast(data, hdr, type, n, rowid, usable);
      if (type === LEAF_TABLE) {
        let c = this.landOnLeaf(lo, n);
        if (c > 0) c = keyAt(data, hdr, type, lo, usable) === rowid ? 0 : 1;
        if (this.state === 'valid') {
          this.seekedRowid = rowid;
          this.seekedResult = c;
        }
        return c;
      }
      this.idx[d] = lo;
      this.descend(this.childAt(d));
    }
  }

  /**
   * `seekRowid` within the table leaf the cursor holds, when `rowid` lies between its first and last
   * keys (leaves split the key space, so no other leaf can hold it); 2 when it does not.
   */
  private seekRowidInLeaf(rowid: number | bigint): number {
    const d = this.depth;
    const data = this.pages[d]!.data;
    const hdr = hdrOffset(this.pages[d]!.pgno);
    const usable = this.bt.limits.usable;
    const n = cellCount(data, hdr);
    if (n === 0 || rowid < keyAt(data, hdr, LEAF_TABLE, 0, usable) || rowid > keyAt(data, hdr, LEAF_TABLE, n - 1, usable)) return 2;
    // A walk through rows in order (UPDATE, DELETE) asks for the cell the cursor rests on or the next.
    const at = this.idx[d]!;
    if (at < n && keyAt(data, hdr, LEAF_TABLE, at, usable) === rowid) return this.restInLeaf(d, at, rowid);
    if (at + 1 < n && keyAt(data, hdr, LEAF_TABLE, at + 1, usable) === rowid) return this.restInLeaf(d, at + 1, rowid);
    const lo = firstKeyAtLeast(data, hdr, LEAF_TABLE, n, rowid, usable);
    return this.restInLeaf(d, lo, rowid, keyAt(data, hdr, LEAF_TABLE, lo, usable) === rowid ? 0 : 1);
  }

  /** Rests the cursor on cell `i` of the leaf at depth `d`, where a seek for `rowid` ended with result `c`. */
  private restInLeaf(d: number, i: number, rowid: number | bigint, c = 0): number {
    this.state = 'valid';
    this.infoValid = false;
    this.idx[d] = i;
    this.seekedRowid = rowid;
    this.seekedResult = c;
    return c;
  }

  /**
   * Positions an index cursor near `key`. When the key is a prefix of entries, `bias` decides how an
   * equal prefix compares: -1 lands before all such entries, +1 after them, 0 stops at the first exact
   * match. Returns as `seekRowid` does.
   */
  seek(key: UnpackedKey, bias: -1 | 0 | 1 = 0): number {
    assert(!this.isTable && this.keyInfo !== null, 'seek on an index cursor');
    if (this.state === 'saved' && this.depth > 0 && this.types[this.depth] === LEAF_INDEX) {
      const c = this.seekInKeptLeaf(key, bias);
      if (c !== 2) return c;
    }
    if (!this.moveToRoot()) {
      this.setEof();
      return -1;
    }
    for (;;) {
      const d = this.depth;
      const page = this.pages[d]!;
      const data = page.data;
      const hdr = hdrOffset(page.pgno);
      const type = this.types[d]!;
      const n = cellCount(data, hdr);
      let lo = 0;
      let hi = n;
      let exact = -1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        let c = this.probe(key, data, hdr, type, d, mid);
        if (c === 0) c = bias;
        if (c === 0) {
          exact = mid;
          break;
        }
        if (c > 0) lo = mid + 1;
        else hi = mid;
      }
      this.infoValid = false;
      if (exact >= 0) {
        this.idx[d] = exact;
        this.state = 'valid';
        return 0;
      }
      if (type === LEAF_INDEX) return this.landOnLeaf(lo, n);
      this.idx[d] = lo;
      this.descend(this.childAt(d));
    }
  }

  /**
   * `seek` within the index leaf a delete left the cursor on (its path kept), when `key` sorts strictly
   * between the leaf's first and last entries or equals one of its entries: no other page can then hold
   * a closer entry. 2 when it does not, for the search from the root.
   *
   * Entries removed in key order ask for keys at or a little after the cursor's cell: the search
   * gallops forward from there (`gallopInLeaf`).
   */
  private seekInKeptLeaf(key: UnpackedKey, bias: -1 | 0 | 1): number {
    const d = this.depth;
    const data = this.pages[d]!.data;
    const hdr = hdrOffset(this.pages[d]!.pgno);
    const n = cellCount(data, hdr);
    const at = this.idx[d]!;
    const c = at < n ? this.probe(key, data, hdr, LEAF_INDEX, d, at) || bias : -1;
    if (c === 0) return this.landOnLeaf(at, n, 0);
    let found: number;
    if (c > 0) {
      // Cell `at` is below the key: find a cell above it, or give up past the leaf's last cell.
      found = this.gallopInLeaf(key, bias, data, hdr, d, at + 1, n);
      if (found === PAST_LEAF) return 2;
    } else {
      if (n < 2 || (this.probe(key, data, hdr, LEAF_INDEX, d, 0) || bias) <= 0) return 2;
      if ((this.probe(key, data, hdr, LEAF_INDEX, d, n - 1) || bias) >= 0) return 2;
      found = this.searchLeaf(key, bias, data, hdr, d, 1, n - 1);
    }
    return found & 1 ? this.landOnLeaf(found >> 1, n, 0) : this.landOnLeaf(found >> 1, n);
  }

  /**
   * The first cell from `from` on of the `n`-cell index leaf at depth `d` that is not below `key` (`bias`
   * breaking ties as in `seek`), when the cells before `from` are all below it. Entries sought in key
   * order lie at or a little after the previous one: the search probes cells from, from + 1, from + 3,
   * from + 7, … until one is not below the key, then halves the last step. Returns as `searchLeaf` does,
   * or PAST_LEAF when every cell from `from` on is below the key.
   */
  private gallopInLeaf(key: UnpackedKey, bias: -1 | 0 | 1, data: Uint8Array, hdr: number, d: number, from: number, n: number): number {
    let lo = from;
    for (let step = 1; lo < n; step *= 2) {
      const hi = Math.min(from + step - 1, n - 1);
      const c = this.probe(key, data, hdr, LEAF_INDEX, d, hi) || bias;
      if (c === 0) return 2 * hi + 1;
      if (c < 0) return this.searchLeaf(key, bias, data, hdr, d, lo, hi);
      lo = hi + 1;
    }
    return PAST_LEAF;
  }

  /**
   * The first cell in `[lo, hi]` of the index leaf at depth `d` that is not below `key`, given that cell
   * `hi` is above it: its position times two, plus one when it equals the key.
   */
  private searchLeaf(key: UnpackedKey, bias: -1 | 0 | 1, data: Uint8Array, hdr: number, d: number, lo: number, hi: number): number {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.probe(key, data, hdr, LEAF_INDEX, d, mid) || bias;
      if (c === 0) return 2 * mid + 1;
      if (c > 0) lo = mid + 1;
      else hi = mid;
    }
    return 2 * lo;
  }

  /**
   * Compares `key` with index cell `i` of the page at depth `d`. A payload wholly on the page (the usual
   * case) is compared where it lies, without parsing the cell; one that overflows goes through the cell.
   */
  private probe(key: UnpackedKey, data: Uint8Array, hdr: number, type: number, d: number, i: number): number {
    const limits = this.bt.limits;
    let p = cellOffset(data, hdr, type, i) + (type === LEAF_INDEX ? 0 : 4);
    if (p + 4 <= limits.usable) {
      const payloadSize = getVarint32(data, p, limits.usable);
      p += varintLength;
      if (payloadSize <= limits.maxLocalIndex && p + payloadSize <= limits.usable) {
        return compareKeyToRecord(key, data, p, payloadSize, this.keyInfo!);
      }
    }
    this.idx[d] = i;
    this.infoValid = false;
    return this.compareCell(key, this.loadCell());
  }

  /**
   * Rests the cursor on cell `lo` of the `n`-cell leaf a search ended in (the first cell above the key,
   * or, with `result` 0, the cell equal to it): returns `result`, or -1 on its last cell when every cell
   * is below the key, or -1 and eof when it is empty.
   */
  private landOnLeaf(lo: number, n: number, result: 1 | 0 = 1): number {
    const d = this.depth;
    this.infoValid = false;
    if (n === 0) {
      this.setEof();
      return -1;
    }
    this.state = 'valid';
    this.idx[d] = lo === n ? n - 1 : lo;
    return lo === n ? -1 : result;
  }

  /** Moves to the first entry with rowid ≥ `rowid`; false when there is none. */
  seekRowidGE(rowid: Int64): boolean {
    const c = this.seekRowid(rowid);
    if (this.state !== 'valid') return false;
    return c >= 0 || this.next();
  }

  /** Moves to the first index entry ≥ `key` (prefix-wise); false when there is none. */
  seekGE(key: UnpackedKey): boolean {
    const c = this.seek(key, -1);
    if (this.state !== 'valid') return false;
    return c >= 0 || this.next();
  }

  /** Moves to the last index entry ≤ `key` (prefix-wise); false when there is none. */
  seekLE(key: UnpackedKey): boolean {
    const c = this.seek(key, 1);
    if (this.state !== 'valid') return false;
    return c <= 0 || this.prev();
  }

  // ---- reading ------------------------------------------------------------------------------------

  /** The rowid of the current entry of a table cursor. */
  rowid(): Int64 {
    return this.cell().key;
  }

  /** Size of the current entry's payload (the record of a table row, or the index key). */
  payloadSize(): number {
    return this.cell().payloadSize;
  }

  /**
   * The current entry's payload. A view into the page when it has no overflow, else a buffer owned by
   * the cursor: valid until the cursor moves.
   */
  payload(): Uint8Array {
    return this.readPayload(this.cell());
  }

  /** `compareKeyToRecord` of `key` and the current entry of an index cursor. */
  compareKey(key: UnpackedKey): number {
    return this.compareCell(key, this.cell());
  }

  /** Compares `key` with the record of the cell `info` describes: on the page itself when it has no overflow. */
  private compareCell(key: UnpackedKey, info: CellInfo): number {
    if (info.localSize === info.payloadSize) {
      return compareKeyToRecord(key, this.pages[this.depth]!.data, info.payloadOffset, info.payloadSize, this.keyInfo!);
    }
    const payload = this.readPayload(info);
    return compareKeyToRecord(key, payload, 0, payload.length, this.keyInfo!);
  }

  /**
   * Points `reader` at the current entry's record: at the page's own bytes when the payload has no
   * overflow (no view is made), else at the cursor's buffer. Valid until the cursor moves.
   */
  readRecord(reader: RecordReader): void {
    const info = this.cell();
    if (info.localSize === info.payloadSize) {
      reader.init(this.pages[this.depth]!.data, info.payloadOffset, info.payloadSize);
    } else {
      const payload = this.readPayload(info);
      reader.init(payload, 0, payload.length);
    }
  }

  /** The payload of the cell `info` describes, on the page at the cursor's depth. */
  private readPayload(info: CellInfo): Uint8Array {
    const data = this.pages[this.depth]!.data;
    if (info.localSize === info.payloadSize) return data.subarray(info.payloadOffset, info.payloadOffset + info.payloadSize);
    // A payload cannot need more overflow pages than the file has: check before allocating for it.
    const bt = this.bt;
    if (Math.ceil((info.payloadSize - info.localSize) / (bt.usableSize - 4)) > bt.pager.pageCount) {
      throw corrupt(`payload of ${info.payloadSize} bytes is larger than the database`);
    }
    if (this.payloadBuf.length < info.payloadSize) this.payloadBuf = new Uint8Array(Math.max(info.payloadSize, this.payloadBuf.length * 2));
    const out = this.payloadBuf;
    out.set(data.subarray(info.payloadOffset, info.payloadOffset + info.localSize));
    this.bt.readOverflow(info.overflowPgno, out, info.localSize, info.payloadSize - info.localSize);
    return out.subarray(0, info.payloadSize);
  }

  // ---- writing ------------------------------------------------------------------------------------

  /** Inserts (or replaces) the row `rowid` with record `payload` in a table tree. */
  insert(rowid: Int64, payload: Uint8Array, size = payload.length): void {
    assert(this.isTable, 'insert by rowid into a table tree');
    const key = normalizeRowid(rowid);
    this.bt.invalidateCursors(this.root, this);
    try {
      const c = this.state === 'valid' && this.seekedRowid === key ? this.seekedResult : this.seekRowid(key);
      this.savedRowid = key;
      if (c === 0 && this.overwrite(key, payload, size)) return;
      this.placeEntry(LEAF_TABLE, key, payload, size, c);
    } catch (err) {
      this.forgetPosition();
      throw err;
    }
  }

  /**
   * Replaces the row the cursor rests on (rowid `key`) in place when both its old and new payloads lie
   * wholly on the leaf and the new cell is no larger than the old: a payload of the same size is
   * written over the old one, as SQLite does (an UPDATE of a flag, a counter, a REAL); a smaller cell
   * is written where the old one starts and the rest of the old cell becomes free space. False,
   * changing nothing, otherwise.
   */
  private overwrite(key: Int64, payload: Uint8Array, size: number): boolean {
    const info = this.cell();
    if (info.localSize !== info.payloadSize) return false;
    const page = this.pages[this.depth]!;
    const data = page.data;
    if (info.payloadSize === size) {
      this.bt.pager.write(page);
      const at = info.payloadOffset;
      if (size > 64) data.set(payload.subarray(0, size), at);
      else for (let k = 0; k < size; k++) data[at + k] = payload[k]!;
      this.keepPath();
      return true;
    }
    if (size > this.bt.limits.maxLocalTable) return false;
    const cellSize = this.leafCellSize(LEAF_TABLE, key, size);
    const rest = info.size - cellSize;
    const hdr = hdrOffset(page.pgno);
    // Fewer than 4 bytes cannot be a freeblock: they are counted as fragments, up to SQLite's limit.
    if (rest < 0 || (rest < 4 && data[hdr + 7]! + rest > 57)) return false;
    this.bt.pager.write(page);
    const at = cellOffset(data, hdr, LEAF_TABLE, this.idx[this.depth]!);
    this.writeCell(LEAF_TABLE, key, payload, size, data, at, cellSize);
    if (rest >= 4) releaseSpace(data, hdr, at + cellSize, rest, page.pgno);
    else data[hdr + 7]! += rest;
    this.keepPath();
    return true;
  }

  /** Inserts index record `key` into an index tree; an entry equal to it is replaced. */
  insertKey(key: Uint8Array): void {
    assert(!this.isTable && this.seekKey !== null, 'insertKey into an index tree');
    this.bt.invalidateCursors(this.root, this);
    try {
      this.placeKey(key);
    } catch (err) {
      this.forgetPosition();
      throw err;
    }
  }

  private placeKey(key: Uint8Array): void {
    const unpacked = this.seekKey!;
    unpacked.fromRecord(key, 0, key.length);
    let c = this.seek(unpacked, 0);
    if (c === 0 && !isLeafType(this.types[this.depth]!)) {
      // The equal entry is on an interior page: delete it and insert afresh at a leaf.
      this.deleteCurrent();
      unpacked.fromRecord(key, 0, key.length); // deleting reused the cursor's key buffer
      c = this.seek(unpacked, 0);
      if (c === 0 && !isLeafType(this.types[this.depth]!)) throw corrupt('index key is stored twice');
    }
    this.saveRecord(key);
    this.placeEntry(LEAF_INDEX, 0, key, key.length, c);
  }

  /**
   * Deletes the current entry. Afterwards next() moves to the entry after it, prev() to the one before.
   * `next`, on a table cursor: the rowid the caller deletes next, when it knows it (a DELETE walking its
   * rows in order). While that row is in the same leaf, the leaf is not rebalanced yet: a range delete
   * then rebalances (or, emptied, drops) each leaf once instead of every time it runs low.
   */
  delete(next: Int64 | null = null): void {
    if (this.state === 'saved') this.restore();
    if (this.state !== 'valid') throw new SqliteError('SQLITE_MISUSE', 'delete() needs a cursor on an entry');
    this.bt.invalidateCursors(this.root, this);
    try {
      this.deleteCurrent(next === null ? null : normalizeRowid(next));
    } catch (err) {
      this.forgetPosition();
      throw err;
    }
  }

  /**
   * Deletes index entries given in ascending key order, each of which the tree must hold: a DELETE's
   * entries for one index, sorted. The entries that share a leaf leave it together: one write of the
   * page, one pass over its cell pointers (`dropCells`), one check whether the leaf must be rebalanced.
   * Each is found by galloping forward from the one before it (`gallopInLeaf`); the first entry past
   * the leaf is sought from the kept path, as after `delete`. Returns the position of the first entry
   * the tree does not hold (those before it are deleted), or -1 when every entry was deleted. `key` is
   * the caller's scratch for unpacking entries.
   */
  deleteEntries(entries: SortedEntries, key: UnpackedKey): number {
    assert(!this.isTable && this.keyInfo !== null, 'deleteEntries on an index cursor');
    const count = entries.count;
    const bytes = entries.buffer;
    const run = this.run;
    let i = 0;
    while (i < count) {
      if (this.seek(key.fromRecord(bytes, entries.start(i), entries.length(i)), 0) !== 0) return i;
      const d = this.depth;
      if (!isLeafType(this.types[d]!)) {
        this.delete();
        i++;
        continue;
      }
      run.length = 0;
      run.push(this.idx[d]!);
      const page = this.pages[d]!;
      const hdr = hdrOffset(page.pgno);
      const n = cellCount(page.data, hdr);
      let missing = false;
      for (i++; i < count; i++) {
        const found = this.gallopInLeaf(key.fromRecord(bytes, entries.start(i), entries.length(i)), 0, page.data, hdr, d, run[run.length - 1]! + 1, n);
        if (found === PAST_LEAF) break;
        if ((found & 1) === 0) {
          // Between two cells of the leaf: no page holds it.
          missing = true;
          break;
        }
        run.push(found >> 1);
      }
      const last = i - 1;
      if (run.length === 1) {
        this.idx[d] = run[0]!;
        this.infoValid = false;
        this.delete();
      } else {
        this.deleteLeafCells(bytes.subarray(entries.start(last), entries.start(last) + entries.length(last)));
      }
      if (missing) return i;
    }
    return -1;
  }

  /**
   * Deletes cells `run` (two or more, ascending) of the index leaf at the cursor's depth, with their
   * overflow chains; `lastKey` is the last one's entry. The cursor ends as `deleteCurrent` leaves it after
   * deleting that last entry: the path kept unless the leaf must be rebalanced.
   */
  private deleteLeafCells(lastKey: Uint8Array): void {
    const run = this.run;
    const d = this.depth;
    const page = this.pages[d]!;
    const hdr = hdrOffset(page.pgno);
    const limits = this.bt.limits;
    this.bt.invalidateCursors(this.root, this);
    try {
      this.bt.pager.write(page);
      for (let k = 0; k < run.length; k++) {
        if (getVarint32(page.data, cellOffset(page.data, hdr, LEAF_INDEX, run[k]!), limits.usable) <= limits.maxLocalIndex) continue;
        this.idx[d] = run[k]!;
        this.infoValid = false;
        const info = this.cell();
        this.bt.freeOverflow(info.overflowPgno, info.payloadSize - info.localSize);
      }
      dropCells(page.data, hdr, LEAF_INDEX, run, limits, page.pgno);
      this.saveRecord(lastKey);
      this.idx[d] = run[run.length - 1]! - (run.length - 1);
      this.infoValid = false;
      if (d > 0 && !isUnderfull(page, LEAF_INDEX, limits.usable)) {
        this.keepPath();
        return;
      }
      balanceAfterDelete(this);
      this.releasePages();
      this.state = 'saved';
      this.skip = 0;
    } catch (err) {
      this.forgetPosition();
      throw err;
    }
  }

  /**
   * After a change of the tree failed part-way (I/O error, SQLITE_BUSY, corruption): the cursor lets go
   * of its pages and forgets its position, leaving the transaction to be rolled back.
   */
  private forgetPosition(): void {
    this.releasePages();
    this.state = 'unpositioned';
  }

  /** Saves the cursor's key and releases its pages; it seeks back when next used. */
  savePosition(): void {
    if (this.state !== 'valid') {
      this.releasePages();
      if (this.state !== 'saved') this.state = 'unpositioned';
      return;
    }
    if (this.isTable) this.savedRowid = this.rowid();
    else this.saveRecord(this.payload());
    this.releasePages();
    this.state = 'saved';
    this.skip = 0;
  }

  /** Whether this cursor is closed and was made for the tree at `root` of `bt` with `keyInfo`. */
  reusableFor(bt: Btree, root: number, keyInfo: KeyInfo | null): boolean {
    return this.closed && this.bt === bt && this.root === root && this.keyInfo === keyInfo;
  }

  /** Makes a closed cursor an open, unpositioned one again (for `Btree.cursor`). */
  reopen(): this {
    assert(this.closed, 'reopen of a closed cursor');
    this.closed = false;
    this.state = 'unpositioned';
    this.depth = -1;
    this.infoValid = false;
    this.savedLength = 0;
    this.skip = 0;
    return this;
  }

  close(): void {
    if (this.closed) return;
    this.releasePages();
    this.closed = true;
    this.state = 'unpositioned';
    this.bt.forgetCursor(this);
  }

  // ---- internals ----------------------------------------------------------------------------------

  private cell(): CellInfo {
    if (this.state === 'saved') this.restore();
    if (this.state !== 'valid') throw new SqliteError('SQLITE_MISUSE', 'cursor is not on an entry');
    return this.loadCell();
  }

  /** Parses the cell at `idx[depth]` (cached until the cursor moves). */
  private loadCell(): CellInfo {
    if (!this.infoValid) {
      const d = this.depth;
      const data = this.pages[d]!.data;
      const hdr = hdrOffset(this.pages[d]!.pgno);
      const type = this.types[d]!;
      parseCell(data, cellOffset(data, hdr, type, this.idx[d]!), type, this.bt.limits, this.info);
      this.infoValid = true;
    }
    return this.info;
  }

  /** Copies `key` into the saved-key buffer (growing it only when a longer key comes). */
  private saveRecord(key: Uint8Array): void {
    if (this.savedRecord.length < key.length) this.savedRecord = new Uint8Array(Math.max(key.length, 2 * this.savedRecord.length));
    this.savedRecord.set(key);
    this.savedLength = key.length;
  }

  private restore(): void {
    assert(this.state === 'saved', 'restore of a saved cursor');
    if (this.isTable) {
      this.skip = this.seekRowid(this.savedRowid);
    } else {
      this.seekKey!.fromRecord(this.savedRecord, 0, this.savedLength);
      this.skip = this.seek(this.seekKey!, 0);
    }
  }

  private setEof(): false {
    this.state = 'eof';
    this.infoValid = false;
    return false;
  }

  private releasePages(): void {
    for (let d = this.depth; d >= 0; d--) this.bt.pager.release(this.pages[d]!);
    this.depth = -1;
    this.infoValid = false;
    this.seekedRowid = null;
  }

  /**
   * Pushes the root page. False when the tree does not exist yet: the schema table (root 1) of a database
   * whose file is still empty, which reads as an empty table, as in SQLite.
   */
  private moveToRoot(): boolean {
    if (this.closed) throw new SqliteError('SQLITE_MISUSE', 'cursor is closed');
    this.releasePages();
    this.state = 'unpositioned';
    this.depth = -1;
    this.seekedRowid = null;
    if (this.root === 1 && this.bt.pager.pageCount === 0) return false;
    this.descend(this.root);
    const type = this.types[0]!;
    if (isTableType(type) !== this.isTable) {
      throw corrupt(`root page ${this.root} is ${this.isTable ? 'not a table' : 'not an index'} b-tree page`);
    }
    return true;
  }

  /** Pushes page `pgno` onto the path. */
  private descend(pgno: number): void {
    if (this.depth >= MAX_DEPTH) throw corrupt(`b-tree deeper than ${MAX_DEPTH} levels (a cycle?) at page ${pgno}`);
    if (this.depth >= 0) this.bt.checkPgno(pgno, 'child');
    const page = this.bt.pager.get(pgno);
    const d = ++this.depth;
    this.pages[d] = page;
    let type: number;
    try {
      type = pageType(page.data, hdrOffset(pgno), pgno);
      if (d > 0 && isTableType(type) !== isTableType(this.types[0]!)) throw corrupt(`page ${pgno} is in a b-tree of another kind`);
    } catch (err) {
      this.depth--;
      this.bt.pager.release(page);
      throw err;
    }
    this.types[d] = type;
    this.idx[d] = 0;
    this.infoValid = false;
  }

  private pop(): void {
    this.bt.pager.release(this.pages[this.depth]!);
    this.depth--;
  }

  /** The child page at `idx[d]` of the interior page at depth `d`. */
  private childAt(d: number): number {
    const page = this.pages[d]!;
    const hdr = hdrOffset(page.pgno);
    const i = this.idx[d]!;
    const n = cellCount(page.data, hdr);
    if (i >= n) return rightChild(page.data, hdr);
    return get32(page.data, cellOffset(page.data, hdr, this.types[d]!, i));
  }

  /** Moves to the first (or, `last`, the last) entry; false when the tree is empty. */
  private moveToEnd(last: boolean): boolean {
    if (!this.moveToRoot()) return this.setEof();
    if (cellCount(this.pages[0]!.data, hdrOffset(this.root)) === 0 && isLeafType(this.types[0]!)) {
      return this.setEof();
    }
    if (last) this.moveToRightmost();
    else this.moveToLeftmost();
    this.state = 'valid';
    return true;
  }

  private moveToLeftmost(): void {
    while (!isLeafType(this.types[this.depth]!)) {
      this.idx[this.depth] = 0;
      this.descend(this.childAt(this.depth));
    }
    this.idx[this.depth] = 0;
    this.checkNonEmptyLeaf();
  }

  private moveToRightmost(): void {
    for (;;) {
      const d = this.depth;
      const n = cellCount(this.pages[d]!.data, hdrOffset(this.pages[d]!.pgno));
      if (isLeafType(this.types[d]!)) {
        this.idx[d] = n - 1;
        this.checkNonEmptyLeaf();
        return;
      }
      this.idx[d] = n;
      this.descend(this.childAt(d));
    }
  }

  private checkNonEmptyLeaf(): void {
    const page = this.pages[this.depth]!;
    if (cellCount(page.data, hdrOffset(page.pgno)) === 0) throw corrupt(`non-root leaf page ${page.pgno} has no cells`);
  }

  /**
   * Writes the leaf cell of an entry (`key` is the rowid of a table entry) with payload `payload[0,
   * size)` into `out` at `at`, spilling the payload's tail into a new overflow chain when it is too
   * large; `cellSize` is the size `leafCellSize` gave.
   */
  private writeCell(type: number, key: Int64, payload: Uint8Array, size: number, out: Uint8Array, at: number, cellSize: number): void {
    const local = this.bt.limits.localSize(size, type === LEAF_TABLE);
    let p = at + putVarint(out, at, size);
    if (type === LEAF_TABLE) p += putVarint(out, p, key);
    if (local > 64) out.set(payload.subarray(0, local), p);
    else for (let k = 0; k < local; k++) out[p + k] = payload[k]!;
    p += local;
    if (local < size) {
      put32(out, p, this.bt.writeOverflow(payload.subarray(0, size), local));
      p += 4;
    }
    for (; p < at + cellSize; p++) out[p] = 0;
  }

  /** Bytes the leaf cell of an entry with a `size`-byte payload takes (at least 4). */
  private leafCellSize(type: number, key: Int64, size: number): number {
    const local = this.bt.limits.localSize(size, type === LEAF_TABLE);
    const head = varintSize(size) + (type === LEAF_TABLE ? varintSize(key) : 0);
    return Math.max(4, head + local + (local < size ? 4 : 0));
  }

  /**
   * Puts a new entry where the preceding seek (result `c`) left the cursor: replacing an equal entry,
   * else after (c < 0) or before (c > 0) the entry it rests on. The cell is written straight into the
   * leaf when it fits there; otherwise it is built apart and the leaf is balanced around it.
   */
  private placeEntry(type: number, key: Int64, payload: Uint8Array, size: number, c: number): void {
    const bt = this.bt;
    if (this.state === 'eof') {
      // The seek ended on an empty leaf (the root of an empty tree); its path is still held.
      this.state = 'valid';
      this.idx[this.depth] = 0;
    } else if (c === 0) {
      this.removeCurrentCell();
    } else if (c < 0) {
      this.idx[this.depth]!++;
    }
    const d = this.depth;
    const page = this.pages[d]!;
    assert(isLeafType(this.types[d]!), 'new cells go into leaves');
    bt.pager.write(page);
    const cellSize = this.leafCellSize(type, key, size);
    const at = reserveCell(page.data, hdrOffset(page.pgno), type, this.idx[d]!, cellSize, bt.limits, bt.scratch, page.pgno);
    if (at >= 0) {
      this.writeCell(type, key, payload, size, page.data, at, cellSize);
      if (type === LEAF_TABLE) {
        this.keepPath();
        return;
      }
    } else {
      const cell = new Uint8Array(cellSize);
      this.writeCell(type, key, payload, size, cell, 0, cellSize);
      balanceOverfull(this, cell);
    }
    this.releasePages();
    this.state = 'saved';
    this.skip = 0;
  }

  /**
   * After a cursor changed its leaf without rebalancing: the path is still exact (nothing else changed
   * the tree), so it is kept for the next seek, which then searches that leaf alone when it can.
   */
  private keepPath(): void {
    this.state = 'saved';
    this.skip = 0;
    this.seekedRowid = null;
    this.infoValid = false;
  }

  /**
   * Whether `rowid` lies within the keys the table leaf at the cursor's depth still holds after the
   * current cell (so that the next delete finds it there). An underfull leaf is a valid tree; an empty
   * one is not, and holds nothing.
   */
  private leafHolds(rowid: Int64 | null): boolean {
    if (rowid === null) return false;
    const page = this.pages[this.depth]!;
    const hdr = hdrOffset(page.pgno);
    const n = cellCount(page.data, hdr);
    if (n === 0 || rowid <= this.savedRowid) return false;
    return rowid <= keyAt(page.data, hdr, LEAF_TABLE, n - 1, this.bt.limits.usable);
  }

  /** Removes the current leaf cell and its overflow chain, without balancing. */
  private removeCurrentCell(): void {
    const info = this.cell();
    const d = this.depth;
    const page = this.pages[d]!;
    this.bt.pager.write(page);
    if (info.overflowPgno) this.bt.freeOverflow(info.overflowPgno, info.payloadSize - info.localSize);
    dropCell(page.data, hdrOffset(page.pgno), this.types[d]!, this.idx[d]!, info.size, this.bt.limits.usable, page.pgno);
    this.infoValid = false;
  }

  private deleteCurrent(next: Int64 | null = null): void {
    const d = this.depth;
    if (this.isTable) this.savedRowid = this.rowid();
    else this.saveRecord(this.payload());
    if (isLeafType(this.types[d]!)) {
      this.removeCurrentCell();
      if (d > 0 && ((this.isTable && this.leafHolds(next)) || !isUnderfull(this.pages[d]!, this.types[d]!, this.bt.limits.usable))) {
        this.keepPath();
        return;
      }
      balanceAfterDelete(this);
    } else {
      this.deleteInteriorIndexEntry();
    }
    this.releasePages();
    this.state = 'saved';
    this.skip = 0;
  }

  /**
   * Deletes an entry resting on an interior index page, in two steps that each leave a valid tree. First
   * its predecessor (the largest entry of its left subtree, always the last cell of a leaf) replaces it
   * in the interior page, balancing that page if the replacement is larger. The predecessor then stands
   * twice; the second step finds its leaf copy again from the root and removes it.
   */
  private deleteInteriorIndexEntry(): void {
    const bt = this.bt;
    const d = this.depth;
    const slot = this.idx[d]!;
    const info = this.cell();
    const childPtr = info.child;
    const oldSize = info.size;
    if (info.overflowPgno) bt.freeOverflow(info.overflowPgno, info.payloadSize - info.localSize);
    // Copy the predecessor: its payload (for finding it again) and its leaf cell (to become the divider).
    this.descend(childPtr);
    this.moveToRightmost();
    const predecessor = this.payload().slice();
    const leaf = this.pages[this.depth]!;
    const leafOff = cellOffset(leaf.data, hdrOffset(leaf.pgno), LEAF_INDEX, this.idx[this.depth]!);
    const rawSize = rawCellSize(leaf.data, leafOff, LEAF_INDEX, bt.limits);
    const replacement = new Uint8Array(4 + rawSize);
    put32(replacement, 0, childPtr);
    replacement.set(leaf.data.subarray(leafOff, leafOff + rawSize), 4);
    while (this.depth > d) this.pop();
    // Step one: the replacement takes the deleted entry's place.
    const interior = this.pages[d]!;
    const ihdr = hdrOffset(interior.pgno);
    bt.pager.write(interior);
    dropCell(interior.data, ihdr, this.types[d]!, slot, oldSize, bt.limits.usable, interior.pgno);
    if (!insertCell(interior.data, ihdr, this.types[d]!, slot, replacement, bt.limits, bt.scratch, interior.pgno)) {
      this.idx[d] = slot;
      balanceOverfull(this, replacement);
    }
    // Step two: the first exact match from the root is the interior copy; its leaf copy is the
    // rightmost entry of the subtree to its left. That cell's overflow chain now belongs to the copy.
    this.releasePages();
    const key = this.seekKey!;
    key.fromRecord(predecessor, 0, predecessor.length);
    const c = this.seek(key, 0);
    if (c !== 0 || isLeafType(this.types[this.depth]!)) throw corrupt('index entry vanished while deleting');
    this.descend(this.childAt(this.depth));
    this.moveToRightmost();
    const leafPage = this.pages[this.depth]!;
    const copyInfo = this.cell();
    bt.pager.write(leafPage);
    dropCell(leafPage.data, hdrOffset(leafPage.pgno), LEAF_INDEX, this.idx[this.depth]!, copyInfo.size, bt.limits.usable, leafPage.pgno);
    this.infoValid = false;
    balanceAfterDelete(this);
  }
}
