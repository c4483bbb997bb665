/**
 * PRAGMA integrity_check for a Btree. It walks every page of the file directly — with the layout helpers
 * of format.ts, not through cursors, so that it cross-checks the B-tree code — and reports each rule of the
 * file format that a page breaks, worded as SQLite words the problem where SQLite has a message for it.
 *
 * What is checked: every page 1..pageCount is used exactly once (by a tree, an overflow chain, the
 * freelist, a pointer-map page of an auto-vacuum file, or as the lock-byte page); the header, cell
 * pointers, cells, freeblocks and fragment count of each tree page account for its bytes exactly once;
 * all pages of a tree are of its kind and its leaves are at one depth; keys are in order (rowids strictly
 * increasing and within the bounds the interior dividers set, index keys as the schema orders them — see
 * integrity-schema.ts); every record's header is well formed; overflow chains are as long as their
 * payloads need; the freelist is as long as the header says; pointer-map entries name the right parents.
 *
 * Invariants: the walk ends on any input, because every page is entered at most once (a second reference
 * is reported, not followed) and tree depth is bounded; at most one page is pinned at a time (pages are
 * copied out), so the caller's cursors keep their pages. Only a SqliteError raised while reading a page is
 * caught (and reported); anything else thrown is a bug.
 */
import { SqliteError } from '../common/errors.js';
import { lockBytePage } from '../journal/journal.js';
import { H, get16, get32 } from '../pager/header.js';
import type { Pager } from '../pager/pager.js';
import { compareRecords, keyInfoBinary } from '../record/compare.js';
import { RecordReader } from '../record/record.js';
import type { Int64 } from '../record/varint.js';
import { MAX_DEPTH, type Btree } from './btree.js';
import {
  CellInfo,
  INTERIOR_INDEX,
  INTERIOR_TABLE,
  LEAF_INDEX,
  LEAF_TABLE,
  type PayloadLimits,
  cellCount,
  contentStart,
  hdrOffset,
  headerSize,
  isLeafType,
  isTableType,
  parseCell,
  rightChild,
} from './format.js';
import { MAX_FIELDS, readSchema, treeSpecs, type TreeSpec } from './integrity-schema.js';

export interface IntegrityOptions {
  /**
   * Root pages of the trees to check besides `sqlite_schema` (page 1, always checked): for files whose
   * trees the schema does not list. They should be all the trees of the file, or the pages of the others
   * are reported as never used. Each is a table or an index tree as its root page says, and index keys
   * are checked in BINARY order. Default: the trees `sqlite_schema` lists.
   */
  roots?: number[];
  /** Stop after this many problems. Default 100, as SQLite. */
  maxErrors?: number;
}

/**
 * Checks the whole file; returns problems as SQLite words them (empty array = "ok"). Run it inside a read
 * or write transaction. A damaged file never makes it throw — every problem, an unreadable page included,
 * is reported — so anything thrown is a bug.
 */
export function checkIntegrity(bt: Btree, options: IntegrityOptions = {}): string[] {
  const max = options.maxErrors !== undefined && options.maxErrors > 0 ? options.maxErrors : 100;
  const checker = new Checker(bt, max);
  try {
    checker.run(options.roots);
  } catch (err) {
    if (err !== LIMIT) throw err;
  }
  return checker.problems;
}

/** Thrown (and caught in `checkIntegrity`) when the problem limit is reached. */
const LIMIT = Symbol('integrity-check-limit');

// Pointer-map entry types (fileformat2 §1.7).
const PTRMAP_ROOT = 1;
const PTRMAP_FREE = 2;
const PTRMAP_OVERFLOW1 = 3;
const PTRMAP_OVERFLOW2 = 4;
const PTRMAP_BTREE = 5;

/** `sqlite_schema`, the table tree rooted at page 1, checked in every file. */
const SCHEMA_TREE: TreeSpec = { root: 1, table: true, keyInfo: null, unique: false };

/** One span of a page's bytes, packed as `start * 65536 + last` so that numeric order sorts by start. */
function span(start: number, size: number): number {
  return start * 65536 + start + size - 1;
}

class Checker {
  readonly problems: string[] = [];
  private readonly bt: Btree;
  private readonly pager: Pager;
  private readonly limits: PayloadLimits;
  private readonly usable: number;
  private readonly nPage: number;
  private readonly maxErrors: number;
  private readonly lockPage: number;
  /** `used[p]` is 1 once page p has been claimed by something. */
  private readonly used: Uint8Array;
  private autoVacuum = false;
  private ptrmap: { pgno: number; data: Uint8Array } | null = null;
  private readonly info = new CellInfo();
  private readonly reader = new RecordReader();

  // The tree being walked, and the last key seen in its in-order walk.
  private tree = SCHEMA_TREE;
  private lastRowid: Int64 | null = null;
  private lastWasDivider = false;
  private lastRecord: Uint8Array | null = null;

  constructor(bt: Btree, maxErrors: number) {
    this.bt = bt;
    this.pager = bt.pager;
    this.limits = bt.limits;
    this.usable = bt.limits.usable;
    this.nPage = bt.pager.pageCount;
    this.maxErrors = maxErrors;
    this.lockPage = lockBytePage(bt.pager.pageSize);
    this.used = new Uint8Array(this.nPage + 1);
  }

  run(roots: number[] | undefined): void {
    if (this.nPage === 0) return;
    const page1 = this.fetch(1);
    if (page1 instanceof SqliteError) {
      this.problem(`unable to get page 1 (${page1.message})`);
      return;
    }
    // Hearth stamps the header's page count at commit, so inside a write transaction it may lag.
    const inHeader = get32(page1, H.pageCount);
    const stamped = !this.bt.pager.inTransaction && get32(page1, H.changeCounter) === get32(page1, H.versionValidFor);
    if (inHeader > 0 && stamped && inHeader !== this.nPage) {
      this.problem(`Page count in header is ${inHeader} but the database has ${this.nPage} pages`);
    }
    const largestRoot = get32(page1, H.largestRootPage);
    this.autoVacuum = largestRoot !== 0;
    if (this.lockPage <= this.nPage) this.used[this.lockPage] = 1;

    const trees = roots === undefined ? this.schemaTrees(get32(page1, H.schemaFormat)) : this.givenTrees(roots);
    this.checkFreelist(get32(page1, H.freelistTrunk), get32(page1, H.freelistCount));
    if (this.autoVacuum) {
      const max = trees.reduce((m, t) => Math.max(m, t.root), 0);
      if (max !== largestRoot) this.problem(`max rootpage (${max}) disagrees with header (${largestRoot})`);
    } else if (get32(page1, H.incrementalVacuum) !== 0) {
      this.problem('incremental_vacuum enabled with a max rootpage of zero');
    }
    for (const tree of trees) this.checkTree(tree);
    this.checkUnused();
  }

  private problem(message: string): void {
    this.problems.push(message);
    if (this.problems.length >= this.maxErrors) throw LIMIT;
  }

  /** A copy of page `pgno` (so that nothing stays pinned), or the error that prevented reading it. */
  private fetch(pgno: number): Uint8Array | SqliteError {
    let page;
    try {
      page = this.pager.get(pgno);
    } catch (err) {
      if (err instanceof SqliteError) return err;
      throw err;
    }
    try {
      return page.data.slice();
    } finally {
      this.pager.release(page);
    }
  }

  /** Claims page `pgno`; reports (with `prefix`) and returns false when it is out of range or taken. */
  private use(pgno: number, prefix: string): boolean {
    if (pgno < 1 || pgno > this.nPage) {
      this.problem(`${prefix}invalid page number ${pgno}`);
      return false;
    }
    if (this.used[pgno]) {
      this.problem(`${prefix}2nd reference to page ${pgno}`);
      return false;
    }
    this.used[pgno] = 1;
    return true;
  }

  // ---- which trees ------------------------------------------------------------------------------

  /** `sqlite_schema` and the trees it lists. */
  private schemaTrees(schemaFormat: number): TreeSpec[] {
    // No tree holds more entries than its pages have room for cells; a larger count means a cycle.
    const { rows, error } = readSchema(this.bt, this.nPage * Math.ceil(this.usable / 4));
    if (error !== null) this.problem(`sqlite_schema cannot be read: ${error.message}`);
    return [SCHEMA_TREE, ...treeSpecs(rows, schemaFormat)];
  }

  /** Page 1 and the given roots, each a table or index tree as its root page's type byte says. */
  private givenTrees(roots: readonly number[]): TreeSpec[] {
    const trees = [SCHEMA_TREE];
    for (const root of roots) {
      if (root === 1) continue;
      const data = root > 1 && root <= this.nPage ? this.fetch(root) : null;
      const type = data instanceof Uint8Array ? data[0]! : LEAF_TABLE;
      const table = type !== LEAF_INDEX && type !== INTERIOR_INDEX;
      trees.push({ root, table, keyInfo: table ? null : keyInfoBinary(MAX_FIELDS), unique: true });
    }
    return trees;
  }

  // ---- freelist, overflow chains, pointer map -----------------------------------------------------

  private checkFreelist(trunk: number, expected: number): void {
    const prefix = 'Freelist: ';
    const before = this.problems.length;
    const maxLeaves = Math.floor(this.usable / 4) - 2;
    let count = 0;
    let pgno = trunk;
    while (pgno !== 0 && this.use(pgno, prefix)) {
      count++;
      if (this.autoVacuum) this.checkPtrmap(pgno, PTRMAP_FREE, 0, prefix);
      const data = this.fetch(pgno);
      if (data instanceof SqliteError) {
        this.problem(`${prefix}failed to get page ${pgno}`);
        break;
      }
      const leaves = get32(data, 4);
      if (leaves > maxLeaves) {
        this.problem(`${prefix}freelist leaf count too big on page ${pgno}`);
      } else {
        for (let i = 0; i < leaves; i++) {
          const leaf = get32(data, 8 + 4 * i);
          if (this.use(leaf, prefix) && this.autoVacuum) this.checkPtrmap(leaf, PTRMAP_FREE, 0, prefix);
          count++;
        }
      }
      pgno = get32(data, 0);
    }
    if (this.problems.length === before && count !== expected) this.problem(`${prefix}size is ${count} but should be ${expected}`);
  }

  /**
   * Walks the overflow chain from `first`, which should be `expected` pages long, claiming its pages. When
   * `sink` is given, the chain's payload bytes are copied into it from offset `at`. Returns whether the
   * chain was whole (and so `sink` complete).
   */
  private checkOverflow(first: number, expected: number, prefix: string, parent: number, sink: Uint8Array | null, at: number): boolean {
    const before = this.problems.length;
    const per = this.usable - 4;
    let count = 0;
    let prev = parent;
    let pgno = first;
    while (pgno !== 0 && this.use(pgno, prefix)) {
      if (this.autoVacuum) this.checkPtrmap(pgno, count === 0 ? PTRMAP_OVERFLOW1 : PTRMAP_OVERFLOW2, prev, prefix);
      const data = this.fetch(pgno);
      if (data instanceof SqliteError) {
        this.problem(`${prefix}failed to get page ${pgno}`);
        break;
      }
      if (sink !== null && at < sink.length) {
        const n = Math.min(per, sink.length - at);
        sink.set(data.subarray(4, 4 + n), at);
        at += n;
      }
      count++;
      prev = pgno;
      pgno = get32(data, 0);
    }
    if (this.problems.length !== before) return false;
    if (count === expected) return true;
    this.problem(`${prefix}overflow list length is ${count} but should be ${expected}`);
    return false;
  }

  /** The pointer-map page holding the entry of page `pgno` (≥ 2); a pointer-map page maps to itself. */
  private ptrmapPageOf(pgno: number): number {
    const per = Math.floor(this.usable / 5) + 1;
    const map = Math.floor((pgno - 2) / per) * per + 2;
    return map === this.lockPage ? map + 1 : map;
  }

  /** Checks that page `pgno`'s pointer-map entry is (`type`, `parent`). */
  private checkPtrmap(pgno: number, type: number, parent: number, prefix: string): void {
    const map = pgno >= 2 ? this.ptrmapPageOf(pgno) : pgno;
    const off = 5 * (pgno - map - 1);
    if (off < 0 || off + 5 > this.usable || map > this.nPage) {
      this.problem(`${prefix}Failed to read ptrmap key=${pgno}`);
      return;
    }
    if (this.ptrmap === null || this.ptrmap.pgno !== map) {
      const data = this.fetch(map);
      if (data instanceof SqliteError) {
        this.problem(`${prefix}Failed to read ptrmap key=${pgno}`);
        return;
      }
      this.ptrmap = { pgno: map, data };
    }
    const got = this.ptrmap.data[off]!;
    const gotParent = get32(this.ptrmap.data, off + 1);
    if (got !== type || gotParent !== parent) {
      this.problem(`${prefix}Bad ptr map entry key=${pgno} expected=(${type},${parent}) got=(${got},${gotParent})`);
    }
  }

  // ---- trees --------------------------------------------------------------------------------------

  private checkTree(tree: TreeSpec): void {
    this.tree = tree;
    this.lastRowid = null;
    this.lastWasDivider = false;
    this.lastRecord = null;
    this.checkPage(tree.root, 0, '', 0);
  }

  /**
   * Checks the subtree at `pgno`, reached from page `parent` (0 for the root) through the pointer that
   * `from` names. Returns its height (1 for a leaf), or -1 when the page could not be walked.
   */
  private checkPage(pgno: number, level: number, from: string, parent: number): number {
    if (level > MAX_DEPTH) {
      this.problem(`${from}tree is deeper than ${MAX_DEPTH} levels`);
      return -1;
    }
    if (!this.use(pgno, from)) return -1;
    if (this.autoVacuum && pgno > 1) this.checkPtrmap(pgno, parent === 0 ? PTRMAP_ROOT : PTRMAP_BTREE, parent, from);
    const root = this.tree.root;
    const prefix = `Tree ${root} page ${pgno}: `;
    const data = this.fetch(pgno);
    if (data instanceof SqliteError) {
      this.problem(`${prefix}unable to get the page (${data.message})`);
      return -1;
    }
    const hdr = hdrOffset(pgno);
    const type = data[hdr]!;
    if (type !== LEAF_TABLE && type !== INTERIOR_TABLE && type !== LEAF_INDEX && type !== INTERIOR_INDEX) {
      this.problem(`${prefix}btreeInitPage() returns error code 11`);
      return -1;
    }
    if (isTableType(type) !== this.tree.table) {
      this.problem(`${prefix}${this.tree.table ? 'index page in a table' : 'table page in an index'} tree`);
      return -1;
    }
    const leaf = isLeafType(type);
    const nCell = cellCount(data, hdr);
    const ptrs = hdr + headerSize(type);
    if (nCell > Math.floor((this.usable - 8) / 6)) {
      this.problem(`${prefix}btreeInitPage() returns error code 11`);
      return -1;
    }
    if (!this.freeSpaceValid(data, hdr, ptrs + 2 * nCell)) {
      this.problem(`${prefix}free space corruption`);
      return -1;
    }
    // A root page may be an empty leaf; only page 1 may be an interior page without cells.
    if (nCell === 0 && (level > 0 || (!leaf && pgno !== 1))) this.problem(`${prefix}page has no cells`);

    const top = contentStart(data, hdr);
    const spans: number[] = [];
    let cellsValid = true;
    let height = -1;
    const info = this.info;
    for (let i = 0; i < nCell; i++) {
      const cellPrefix = `Tree ${root} page ${pgno} cell ${i}: `;
      const pc = get16(data, ptrs + 2 * i);
      if (pc < top || pc > this.usable - 4) {
        this.problem(`${cellPrefix}Offset ${pc} out of range ${top}..${this.usable - 4}`);
        cellsValid = false;
        continue;
      }
      if (!this.parse(data, pc, type)) {
        this.problem(`${cellPrefix}Extends off end of page`);
        cellsValid = false;
        continue;
      }
      spans.push(span(pc, info.size));
      // Copy what is needed from `info` before the walk below the cell reuses it.
      const key = info.key;
      const child = info.child;
      const payload = type === INTERIOR_TABLE ? null : this.payloadOf(data, pgno, cellPrefix);
      if (!leaf) height = this.childHeight(height, this.checkPage(child, level + 1, cellPrefix, pgno), cellPrefix);
      if (type === LEAF_TABLE || type === INTERIOR_TABLE) this.checkRowid(key, type === INTERIOR_TABLE, cellPrefix);
      if (payload !== null) this.checkRecord(payload, cellPrefix);
    }
    if (!leaf) {
      const rightPrefix = `Tree ${root} page ${pgno} right child: `;
      height = this.childHeight(height, this.checkPage(rightChild(data, hdr), level + 1, rightPrefix, pgno), rightPrefix);
    }
    this.checkSpace(data, hdr, pgno, spans, cellsValid);
    if (leaf) return 1;
    return height < 0 ? -1 : height + 1;
  }

  /** Parses the cell at `pc` into `info`; false when it is malformed. */
  private parse(data: Uint8Array, pc: number, type: number): boolean {
    try {
      parseCell(data, pc, type, this.limits, this.info);
      return true;
    } catch (err) {
      if (err instanceof SqliteError) return false;
      throw err;
    }
  }

  /** Merges a child's height into its siblings' (`current`, -1 if none yet), reporting a difference. */
  private childHeight(current: number, child: number, prefix: string): number {
    if (child < 0) return current;
    if (current >= 0 && child !== current) this.problem(`${prefix}Child page depth differs`);
    return current < 0 ? child : current;
  }

  /**
   * The payload of the cell just parsed into `info` (on page `pgno`, whose bytes are `data`), walking its
   * overflow chain; null when the chain is broken.
   */
  private payloadOf(data: Uint8Array, pgno: number, prefix: string): Uint8Array | null {
    const { payloadSize, localSize, payloadOffset, overflowPgno } = this.info;
    if (localSize === payloadSize) return data.subarray(payloadOffset, payloadOffset + payloadSize);
    const pages = Math.ceil((payloadSize - localSize) / (this.usable - 4));
    // A chain longer than the file cannot be whole: walk it without collecting the bytes.
    const sink = pages <= this.nPage ? new Uint8Array(payloadSize) : null;
    sink?.set(data.subarray(payloadOffset, payloadOffset + localSize));
    return this.checkOverflow(overflowPgno, pages, prefix, pgno, sink, localSize) ? sink : null;
  }

  /**
   * Checks the next key of a table tree's in-order walk: entries strictly increase; an interior divider
   * is at least the entry before it and below the entry after it.
   */
  private checkRowid(key: Int64, divider: boolean, prefix: string): void {
    const last = this.lastRowid;
    if (last !== null && (divider && !this.lastWasDivider ? key < last : key <= last)) {
      this.problem(`${prefix}Rowid ${key} out of order`);
    }
    this.lastRowid = key;
    this.lastWasDivider = divider;
  }

  /** Checks a record's format and, in an index-format tree, that it follows the previous key. */
  private checkRecord(payload: Uint8Array, prefix: string): void {
    try {
      this.reader.init(payload, 0, payload.length);
    } catch (err) {
      if (!(err instanceof SqliteError)) throw err;
      this.problem(`${prefix}Malformed record`);
      return;
    }
    const keyInfo = this.tree.keyInfo;
    if (keyInfo === null || keyInfo.nField === 0) return;
    const last = this.lastRecord;
    if (last !== null) {
      const c = compareRecords(last, payload, keyInfo);
      if (c > 0 || (c === 0 && this.tree.unique)) this.problem(`${prefix}Index key out of order`);
    }
    this.lastRecord = payload;
  }

  /**
   * Checks a page's free space as SQLite computes it before trusting the page: the content area lies
   * between the cell pointers and the end of the usable space; freeblocks ascend, each inside the page
   * and at least 4 bytes before the next; and all free bytes together fit the page.
   */
  private freeSpaceValid(data: Uint8Array, hdr: number, ptrEnd: number): boolean {
    const usable = this.usable;
    const top = contentStart(data, hdr);
    if (top < ptrEnd || top > usable) return false;
    let free = top - ptrEnd + data[hdr + 7]!;
    let pc = get16(data, hdr + 1);
    if (pc !== 0 && pc < top) return false;
    while (pc !== 0) {
      if (pc > usable - 4) return false;
      const next = get16(data, pc);
      const size = get16(data, pc + 2);
      if ((next !== 0 && next <= pc + size + 3) || pc + size > usable) return false;
      free += size;
      pc = next;
    }
    return free <= usable - ptrEnd;
  }

  /**
   * Checks that the cells (`spans`) and freeblocks of a page use each byte of the content area at most
   * once, and — when every cell could be placed — that the bytes used by neither are the fragment count.
   * The freeblock chain has passed `freeSpaceValid`.
   */
  private checkSpace(data: Uint8Array, hdr: number, pgno: number, spans: number[], cellsValid: boolean): void {
    for (let pc = get16(data, hdr + 1); pc !== 0; pc = get16(data, pc)) {
      const size = get16(data, pc + 2);
      if (size > 0) spans.push(span(pc, size));
    }
    spans.sort((a, b) => a - b);
    let last = contentStart(data, hdr) - 1;
    let fragmented = 0;
    for (const s of spans) {
      const start = Math.floor(s / 65536);
      if (start <= last) {
        this.problem(`Multiple uses for byte ${start} of page ${pgno}`);
        return;
      }
      fragmented += start - last - 1;
      last = s % 65536;
    }
    fragmented += this.usable - last - 1;
    const reported = data[hdr + 7]!;
    if (cellsValid && fragmented !== reported) {
      this.problem(`Fragmentation of ${fragmented} bytes reported as ${reported} on page ${pgno}`);
    }
  }

  // ---- pages nothing claimed ----------------------------------------------------------------------

  private checkUnused(): void {
    for (let pgno = 1; pgno <= this.nPage; pgno++) {
      const isMap = this.autoVacuum && pgno >= 2 && this.ptrmapPageOf(pgno) === pgno;
      if (!this.used[pgno] && !isMap) this.problem(`Page ${pgno}: never used`);
      else if (this.used[pgno] && isMap) this.problem(`Page ${pgno}: pointer map referenced`);
    }
  }
}
