/**
 * Keeping B-trees shaped: after an insert overfills a page or a delete leaves one underfull, the page's
 * cells are redistributed with up to two siblings (`balanceSiblings`), the root grows a level when it
 * overflows (`balanceDeeper`) and loses one when it is left with a single child (`balanceShallower`).
 *
 * A page that overflows is carried as `Content` — its cells and right child, held outside the page — up
 * the cursor's path until a page can hold what it is given. Each step leaves every page on disk valid,
 * with cells in key order and child pointers covering their ranges.
 *
 * Dividers: in a table tree, a leaf's divider in the parent is a copy of the leaf's largest rowid and
 * leaf cells never move up. In an index tree (and between interior pages of table trees) the divider
 * is itself an entry: it moves down into the cell list while siblings are rebuilt, and one cell between
 * each pair of new pages moves back up.
 */
import { assert } from '../common/assert.js';
import { corrupt } from '../common/errors.js';
import { get32, put32 } from '../pager/header.js';
import type { Page } from '../pager/pager.js';
import { putVarint, varintSize, type Int64 } from '../record/varint.js';
import type { BtCursor } from './cursor.js';
import {
  LEAF_INDEX,
  LEAF_TABLE,
  PayloadLimits,
  cellCount,
  cellOffset,
  cellSizeAt,
  dropCell,
  freeBytes,
  insertCell,
  hdrOffset,
  isLeafType,
  pageCapacity,
  pageType,
  rawCellSize,
  rightChild,
  tableCellKey,
  writePage,
} from './format.js';

/** A page's cells (full cell bytes, child pointers included) and right child, held off the page. */
interface Content {
  cells: Uint8Array[];
  right: number;
}

/** The page at the cursor's depth could not take `cell` at `idx[depth]`: rebalance around it. */
export function balanceOverfull(cur: BtCursor, cell: Uint8Array): void {
  const d = cur.depth;
  if (d > 0 && cur.types[d] === LEAF_TABLE) {
    // Appending past the last row of the tree's rightmost leaf: no need to gather the leaf's cells.
    const page = cur.pages[d]!;
    const n = cellCount(page.data, hdrOffset(page.pgno));
    const parent = cur.pages[d - 1]!;
    if (n > 0 && cur.idx[d] === n && cur.idx[d - 1] === cellCount(parent.data, hdrOffset(parent.pgno))) {
      settle(cur, d - 1, balanceQuick(cur, d, cell));
      return;
    }
  }
  const content = readContent(cur, cur.pages[d]!, cur.types[d]!);
  content.cells.splice(cur.idx[d]!, 0, cell);
  settle(cur, d, content);
}

/**
 * Whether a non-root page that lost cells must be rebalanced with its siblings: SQLite's rule, when it
 * is empty or more than two thirds of its usable bytes are free.
 */
export function isUnderfull(page: Page, type: number, usable: number): boolean {
  const hdr = hdrOffset(page.pgno);
  return cellCount(page.data, hdr) === 0 || freeBytes(page.data, hdr, type, usable, page.pgno) * 3 > usable * 2;
}

/** A cell was removed from the page at the cursor's depth: rebalance if it is now underfull. */
export function balanceAfterDelete(cur: BtCursor): void {
  settle(cur, cur.depth, null);
}

/**
 * Brings the page at level `d` of the cursor's path to a valid, reasonably full state, given the content
 * it should hold (or null when its bytes are already right), then walks up while parents need work.
 */
function settle(cur: BtCursor, d: number, content: Content | null): void {
  const bt = cur.bt;
  for (;;) {
    const page = cur.pages[d]!;
    const type = cur.types[d]!;
    const hdr = hdrOffset(page.pgno);
    if (content) {
      if (fits(content, bt.limits.usable, hdr, type)) {
        bt.pager.write(page);
        writePage(page.data, hdr, type, content.cells, 0, content.cells.length, content.right, bt.limits.usable);
        content = null;
      } else if (d === 0) {
        balanceDeeper(cur);
        d = 1;
        continue;
      } else {
        content = balanceSiblings(cur, d, content);
        d--;
        continue;
      }
    }
    if (d === 0) {
      balanceShallower(cur);
      return;
    }
    if (type === LEAF_TABLE && cellCount(page.data, hdr) === 0 && removeEmptyTableLeaf(cur, d)) {
      d--;
      continue;
    }
    if (!isUnderfull(page, type, bt.limits.usable)) return;
    content = balanceSiblings(cur, d, null);
    d--;
  }
}

function fits(content: Content, usable: number, hdr: number, type: number): boolean {
  let need = 0;
  for (const cell of content.cells) need += cell.length + 2;
  return need <= pageCapacity(usable, hdr, type);
}

/** Copies a page's bytes once and returns its cells as views into the copy. */
function readContent(cur: BtCursor, page: Page, type: number): Content {
  return cellsOf(cur, page.data.slice(0, cur.bt.limits.usable), hdrOffset(page.pgno), type, page.pgno);
}

/** The cells of the page image `data` as views into it; `data` must not change while they are used. */
function cellsOf(cur: BtCursor, data: Uint8Array, hdr: number, type: number, pgno: number): Content {
  const n = cellCount(data, hdr);
  const limits = cur.bt.limits;
  const cells = new Array<Uint8Array>(n);
  for (let i = 0; i < n; i++) {
    const off = cellOffset(data, hdr, type, i);
    const size = cellSizeAt(data, off, type, limits);
    if (off < hdr || off + size > limits.usable) throw corrupt(`cell ${i} of page ${pgno} lies outside the page`);
    cells[i] = data.subarray(off, off + size);
  }
  return { cells, right: isLeafType(type) ? 0 : rightChild(data, hdr) };
}

/**
 * A table leaf below the root that lost all its cells: it leaves its parent and is freed, and its
 * siblings stay as they are (a range delete empties leaf after leaf; redistributing cells into each
 * would copy its neighbours every time). Table dividers only separate key ranges, so the neighbour that
 * takes its place in the parent takes its empty range too. False, changing nothing, when the parent
 * has no cell to give up. The cursor's path is cut back to `d - 1`.
 */
function removeEmptyTableLeaf(cur: BtCursor, d: number): boolean {
  const bt = cur.bt;
  const parent = cur.pages[d - 1]!;
  const parentType = cur.types[d - 1]!;
  const pdata = parent.data;
  const phdr = hdrOffset(parent.pgno);
  const n = cellCount(pdata, phdr);
  if (n === 0) return false;
  const leaf = cur.pages[d]!;
  const at = cur.idx[d - 1]!;
  bt.pager.write(parent);
  if (at === n) {
    // The leaf was the right child: the last cell's child takes its place, and that cell goes.
    assert(rightChild(pdata, phdr) === leaf.pgno, 'the path leads through the right child');
    const off = cellOffset(pdata, phdr, parentType, n - 1);
    put32(pdata, phdr + 8, get32(pdata, off));
    dropCell(pdata, phdr, parentType, n - 1, cellSizeAt(pdata, off, parentType, bt.limits), bt.limits.usable, parent.pgno);
  } else {
    const off = cellOffset(pdata, phdr, parentType, at);
    assert(get32(pdata, off) === leaf.pgno, 'the path leads through this cell');
    dropCell(pdata, phdr, parentType, at, cellSizeAt(pdata, off, parentType, bt.limits), bt.limits.usable, parent.pgno);
  }
  const pgno = leaf.pgno;
  bt.pager.release(leaf);
  cur.depth = d - 1;
  bt.freePage(pgno);
  return true;
}

/**
 * The root cannot hold its content: make the root an interior page whose only child (its right child) is
 * a new page, which the content then settles into. The cursor's path becomes root → new page.
 */
function balanceDeeper(cur: BtCursor): void {
  const bt = cur.bt;
  const root = cur.pages[0]!;
  const type = cur.types[0]!;
  const child = bt.allocatePage();
  for (let level = cur.depth; level >= 1; level--) bt.pager.release(cur.pages[level]!);
  bt.pager.write(root);
  writePage(root.data, hdrOffset(root.pgno), type & ~8, [], 0, 0, child.pgno, bt.limits.usable);
  cur.types[0] = type & ~8;
  cur.idx[0] = 0;
  cur.pages[1] = child;
  cur.types[1] = type;
  cur.idx[1] = 0;
  cur.depth = 1;
}

/**
 * The root is an interior page without cells: its only child replaces it, repeatedly, as long as the
 * child's cells fit in the root (page 1 has 100 bytes less room).
 */
function balanceShallower(cur: BtCursor): void {
  const bt = cur.bt;
  const root = cur.pages[0]!;
  const hdr = hdrOffset(root.pgno);
  for (;;) {
    const type = pageType(root.data, hdr, root.pgno);
    if (isLeafType(type) || cellCount(root.data, hdr) > 0) return;
    const childPgno = rightChild(root.data, hdr);
    bt.checkPgno(childPgno, 'child');
    const child = bt.pager.get(childPgno);
    let content: Content;
    let childType: number;
    try {
      childType = pageType(child.data, 0, childPgno);
      content = readContent(cur, child, childType);
    } finally {
      bt.pager.release(child);
    }
    if (!fits(content, bt.limits.usable, hdr, childType)) return;
    bt.pager.write(root);
    writePage(root.data, hdr, childType, content.cells, 0, content.cells.length, content.right, bt.limits.usable);
    bt.freePage(childPgno);
  }
}

/**
 * Redistributes the cells of the page at level `d` (given as `content` when it overflows) and of up to
 * two of its siblings over as few pages as hold them, evened out, and puts the new dividers into the
 * parent in place. Returns the parent's content when the dividers do not fit there, else null. The
 * cursor's path is cut back to `d - 1`.
 */
function balanceSiblings(cur: BtCursor, d: number, content: Content | null): Content | null {
  const bt = cur.bt;
  const limits = bt.limits;
  const usable = limits.usable;
  const parent = cur.pages[d - 1]!;
  const parentType = cur.types[d - 1]!;
  const type = cur.types[d]!;
  const pdata = parent.data;
  const phdr = hdrOffset(parent.pgno);
  const nParent = cellCount(pdata, phdr);
  const at = cur.idx[d - 1]!;

  if (content && type === LEAF_TABLE && at === nParent) {
    const n = cellCount(cur.pages[d]!.data, hdrOffset(cur.pages[d]!.pgno));
    if (n > 0 && content.cells.length === n + 1 && cur.idx[d] === n) return balanceQuick(cur, d, content.cells[n]!);
  }

  // Siblings: the page and its neighbours, up to three, as children first..first+nOld-1 of the parent.
  const nOld = Math.min(3, nParent + 1);
  const first = Math.max(0, Math.min(at - 1, nParent + 1 - nOld));
  const oldPgnos: number[] = [];
  const oldDividers: Uint8Array[] = [];
  for (let k = 0; k < nOld; k++) {
    const i = first + k;
    if (i < nParent) {
      const off = cellOffset(pdata, phdr, parentType, i);
      oldPgnos.push(get32(pdata, off));
      if (k < nOld - 1) oldDividers.push(pdata.slice(off, off + cellSizeAt(pdata, off, parentType, limits)));
    } else {
      oldPgnos.push(rightChild(pdata, phdr));
    }
  }

  // Gather every cell of the siblings (views into one copy of their pages), with the dividers between
  // them where those are entries.
  const copies = new Uint8Array(usable * nOld);
  const cells: Uint8Array[] = [];
  let lastRight = 0;
  for (let k = 0; k < nOld; k++) {
    let sibling: Content;
    if (first + k === at && content) {
      sibling = content;
    } else {
      const own = first + k === at;
      if (!own) bt.checkPgno(oldPgnos[k]!, 'sibling');
      const page = own ? cur.pages[d]! : bt.pager.get(oldPgnos[k]!);
      try {
        if (pageType(page.data, 0, page.pgno) !== type) throw corrupt(`sibling pages ${oldPgnos[k]} and ${cur.pages[d]!.pgno} differ in type`);
        const copy = copies.subarray(k * usable, (k + 1) * usable);
        copy.set(page.data.subarray(0, usable));
        sibling = cellsOf(cur, copy, 0, type, page.pgno);
      } finally {
        if (!own) bt.pager.release(page);
      }
    }
    for (const cell of sibling.cells) cells.push(cell);
    lastRight = sibling.right;
    if (k < nOld - 1 && type !== LEAF_TABLE) cells.push(dividerToChildCell(oldDividers[k]!, type, sibling.right));
  }
  // The cursor lets go of the page at level d; its old bytes are no longer needed.
  bt.pager.release(cur.pages[d]!);
  cur.depth = d - 1;

  const consuming = type !== LEAF_TABLE;
  const { starts, ends } = distribute(cells, pageCapacity(usable, 0, type), consuming);
  const nNew = starts.length;

  // Pages for the result: the old siblings first, then new ones; surplus old pages are freed.
  const newPages: Page[] = [];
  const dividers: Uint8Array[] = [];
  let lastPgno = 0;
  try {
    for (let j = 0; j < nNew; j++) newPages.push(j < nOld ? bt.pager.get(oldPgnos[j]!) : bt.allocatePage());
    for (let k = nNew; k < nOld; k++) bt.freePage(oldPgnos[k]!);
    for (let j = 0; j < nNew; j++) {
      const page = newPages[j]!;
      let right = 0;
      if (!isLeafType(type)) right = j < nNew - 1 ? get32(cells[ends[j]!]!, 0) : lastRight;
      bt.pager.write(page);
      writePage(page.data, 0, type, cells, starts[j]!, ends[j]!, right, usable);
      if (j < nNew - 1) dividers.push(makeDivider(cells, ends[j]!, type, page.pgno, limits));
    }
    lastPgno = newPages[nNew - 1]!.pgno;
  } finally {
    for (const page of newPages) bt.pager.release(page);
  }

  // The parent, in place: old dividers out; the pointer that led to the last old sibling now leads to
  // the last new page; new dividers in.
  bt.pager.write(parent);
  for (let k = nOld - 2; k >= 0; k--) dropCell(pdata, phdr, parentType, first + k, oldDividers[k]!.length, usable, parent.pgno);
  if (first + nOld - 1 === nParent) put32(pdata, phdr + 8, lastPgno);
  else put32(pdata, cellOffset(pdata, phdr, parentType, first), lastPgno);
  for (let j = 0; j < dividers.length; j++) {
    if (!insertCell(pdata, phdr, parentType, first + j, dividers[j]!, limits, bt.scratch, parent.pgno)) {
      const overfull = readContent(cur, parent, parentType);
      overfull.cells.splice(first + j, 0, ...dividers.slice(j));
      return overfull;
    }
  }
  return null;
}

/**
 * The common case of appending to a table: the new cell goes after the last of the rightmost leaf, which
 * holds `n > 0` cells, and the parent's right child is that leaf. The cell goes alone into a new page
 * that becomes the parent's right child, and the full leaf is left as it was (so sequential inserts fill
 * pages completely). Returns what `balanceSiblings` returns: null, or the parent's content when the new
 * divider overfills it. The cursor's path is cut back to `d - 1`.
 */
function balanceQuick(cur: BtCursor, d: number, cell: Uint8Array): Content | null {
  const bt = cur.bt;
  const page = cur.pages[d]!;
  const hdr = hdrOffset(page.pgno);
  const n = cellCount(page.data, hdr);
  const parent = cur.pages[d - 1]!;
  const parentType = cur.types[d - 1]!;
  const phdr = hdrOffset(parent.pgno);
  const lastRowid = tableCellKey(page.data, cellOffset(page.data, hdr, LEAF_TABLE, n - 1), LEAF_TABLE, bt.limits.usable);
  const divider = interiorTableCell(page.pgno, lastRowid);
  const fresh = bt.allocatePage();
  writePage(fresh.data, 0, LEAF_TABLE, [cell], 0, 1, 0, bt.limits.usable);
  const freshPgno = fresh.pgno;
  bt.pager.release(fresh);
  bt.pager.release(page);
  cur.depth = d - 1;
  bt.pager.write(parent);
  const nParent = cellCount(parent.data, phdr);
  if (!insertCell(parent.data, phdr, parentType, nParent, divider, bt.limits, bt.scratch, parent.pgno)) {
    const overfull = readContent(cur, parent, parentType);
    overfull.cells.push(divider);
    overfull.right = freshPgno;
    return overfull;
  }
  put32(parent.data, phdr + 8, freshPgno);
  return null;
}

/**
 * Splits `cells` into consecutive pages of at most `capacity` bytes (each cell costs its size plus a
 * 2-byte pointer). With consuming dividers the cell between two pages goes to the parent. First packs
 * greedily from the left, then moves cells rightwards while that evens the pages out.
 */
function distribute(cells: Uint8Array[], capacity: number, consuming: boolean): { starts: number[]; ends: number[] } {
  const n = cells.length;
  const cost = (i: number): number => cells[i]!.length + 2;
  const starts: number[] = [];
  const ends: number[] = [];
  let i = 0;
  for (;;) {
    const start = i;
    let used = 0;
    while (i < n && used + cost(i) <= capacity) used += cost(i++);
    assert(i > start || n === 0, 'every cell fits on an empty page');
    if (i >= n) {
      starts.push(start);
      ends.push(n);
      break;
    }
    if (consuming && i === n - 1) i--; // the divider would leave the next page empty
    assert(i > start, 'a page keeps at least one cell');
    starts.push(start);
    ends.push(i);
    if (consuming) i++;
  }
  const sizeOf = (from: number, to: number): number => {
    let s = 0;
    for (let k = from; k < to; k++) s += cost(k);
    return s;
  };
  for (let j = starts.length - 1; j > 0; j--) {
    let leftSize = sizeOf(starts[j - 1]!, ends[j - 1]!);
    let rightSize = sizeOf(starts[j]!, ends[j]!);
    for (;;) {
      const lastLeft = ends[j - 1]! - 1;
      if (lastLeft <= starts[j - 1]!) break;
      // Consuming: the divider drops into the right page and the left's last cell becomes the divider.
      const incoming = consuming ? ends[j - 1]! : lastLeft;
      const newRight = rightSize + cost(incoming);
      const newLeft = leftSize - cost(lastLeft);
      if (newRight > capacity || newRight > newLeft) break;
      rightSize = newRight;
      leftSize = newLeft;
      ends[j - 1]!--;
      starts[j]!--;
    }
  }
  return { starts, ends };
}

/** Converts a parent's divider cell into a cell of the child level (whose right child it absorbs). */
function dividerToChildCell(divider: Uint8Array, childType: number, leftRight: number): Uint8Array {
  if (childType === LEAF_INDEX) {
    const body = divider.subarray(4);
    if (body.length >= 4) return body.slice();
    const padded = new Uint8Array(4);
    padded.set(body);
    return padded;
  }
  const cell = divider.slice();
  put32(cell, 0, leftRight);
  return cell;
}

/** The parent's divider for new page `pgno`, whose cells end just before `cells[end]`. */
function makeDivider(cells: Uint8Array[], end: number, type: number, pgno: number, limits: PayloadLimits): Uint8Array {
  if (type === LEAF_TABLE) {
    const last = cells[end - 1]!;
    return interiorTableCell(pgno, tableCellKey(last, 0, LEAF_TABLE, last.length));
  }
  const cell = cells[end]!;
  if (type === LEAF_INDEX) {
    const raw = rawCellSize(cell, 0, LEAF_INDEX, limits);
    const divider = new Uint8Array(4 + raw);
    divider.set(cell.subarray(0, raw), 4);
    put32(divider, 0, pgno);
    return divider;
  }
  const divider = cell.slice();
  put32(divider, 0, pgno);
  return divider;
}

function interiorTableCell(child: number, rowid: Int64): Uint8Array {
  const cell = new Uint8Array(4 + varintSize(rowid));
  put32(cell, 0, child);
  putVarint(cell, 4, rowid);
  return cell;
}
