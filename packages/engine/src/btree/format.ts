/**
 * The layout of one B-tree page (sqlite.org/fileformat2.html §1.6): the page header, the cell pointer
 * array, the cell content area growing down from the end of the usable space, freeblocks and fragments.
 *
 * Everything here works on a page's bytes in place. `hdr` is the offset of the B-tree page header: 100 on
 * page 1 (after the database header), 0 elsewhere.
 *
 * Invariants kept on every page written: cell pointers point inside the content area; freeblocks are in
 * ascending order, each at least 4 bytes, and separated from the next by at least 4 bytes (nearer ones
 * are merged, as SQLite's integrity check requires); fragmented bytes ≤ 255; cells never overlap.
 */
import { assert } from '../common/assert.js';
import { corrupt } from '../common/errors.js';
import { get16, get32, put16 } from '../pager/header.js';
import { getVarint, getVarint32, varintLength } from '../record/varint.js';
import type { Int64 } from '../record/varint.js';

export const INTERIOR_INDEX = 2;
export const INTERIOR_TABLE = 5;
export const LEAF_INDEX = 10;
export const LEAF_TABLE = 13;

export function hdrOffset(pgno: number): number {
  return pgno === 1 ? 100 : 0;
}

export function isLeafType(type: number): boolean {
  return (type & 8) !== 0;
}

export function isTableType(type: number): boolean {
  return (type & 4) !== 0;
}

/** Size of the page header: 8 bytes on leaves, 12 on interior pages (the right-child pointer). */
export function headerSize(type: number): number {
  return type & 8 ? 8 : 12;
}

/** Reads and checks a page's type byte. */
export function pageType(data: Uint8Array, hdr: number, pgno: number): number {
  const t = data[hdr]!;
  if (t !== LEAF_TABLE && t !== INTERIOR_TABLE && t !== LEAF_INDEX && t !== INTERIOR_INDEX) {
    throw corrupt(`page ${pgno} has invalid b-tree page type ${t}`);
  }
  return t;
}

export function cellCount(data: Uint8Array, hdr: number): number {
  return get16(data, hdr + 3);
}

/** Start of the cell content area (0 in the header means 65536). */
export function contentStart(data: Uint8Array, hdr: number): number {
  return get16(data, hdr + 5) || 65536;
}

export function rightChild(data: Uint8Array, hdr: number): number {
  return get32(data, hdr + 8);
}

/** Offset of cell `i`'s content. */
export function cellOffset(data: Uint8Array, hdr: number, type: number, i: number): number {
  return get16(data, hdr + headerSize(type) + 2 * i);
}

/**
 * Per-database constants of payload placement: how much of a payload stays on a b-tree page before the
 * rest spills into an overflow chain (fileformat2 §1.6, "cell payload overflow").
 */
export class PayloadLimits {
  readonly usable: number;
  /** Largest payload kept wholly local on a table leaf. */
  readonly maxLocalTable: number;
  /** Largest payload kept wholly local on an index page. */
  readonly maxLocalIndex: number;
  /** Least payload kept local when a payload overflows. */
  readonly minLocal: number;

  constructor(usable: number) {
    this.usable = usable;
    this.maxLocalTable = usable - 35;
    this.maxLocalIndex = Math.floor(((usable - 12) * 64) / 255) - 23;
    this.minLocal = Math.floor(((usable - 12) * 32) / 255) - 23;
  }

  /** Bytes of a `payloadSize`-byte payload stored on the b-tree page itself. */
  localSize(payloadSize: number, table: boolean): number {
    const max = table ? this.maxLocalTable : this.maxLocalIndex;
    if (payloadSize <= max) return payloadSize;
    const min = this.minLocal;
    const k = min + ((payloadSize - min) % (this.usable - 4));
    return k <= max ? k : min;
  }
}

/** What a cell holds. One instance is reused by each reader: `parseCell` overwrites every field. */
export class CellInfo {
  /** Rowid (table cells); 0 on index cells. */
  key: Int64 = 0;
  /** Total payload bytes (0 on table-interior cells). */
  payloadSize = 0;
  /** Offset within the page where the local payload starts. */
  payloadOffset = 0;
  /** Payload bytes on this page. */
  localSize = 0;
  /** First overflow page, or 0. */
  overflowPgno = 0;
  /** Bytes the cell occupies on the page (at least 4). */
  size = 0;
  /** Left child page (interior cells), else 0. */
  child = 0;
}

/** Parses the cell at `off` of a page of `type` into `out`, checking it stays inside the page. */
export function parseCell(data: Uint8Array, off: number, type: number, limits: PayloadLimits, out: CellInfo): void {
  const end = limits.usable;
  if (off + 4 > end) throw corrupt(`cell at offset ${off} runs past the page`);
  let p = off;
  if (type & 8) {
    out.child = 0;
  } else {
    out.child = get32(data, p);
    p += 4;
  }
  if (type === INTERIOR_TABLE) {
    out.key = getVarint(data, p);
    p += varintLength;
    out.payloadSize = out.localSize = out.overflowPgno = 0;
    out.payloadOffset = p;
    out.size = p - off;
    if (p > end) throw corrupt(`cell at offset ${off} runs past the page`);
    return;
  }
  const payloadSize = getVarint32(data, p);
  p += varintLength;
  if (type === LEAF_TABLE) {
    out.key = getVarint(data, p);
    p += varintLength;
  } else {
    out.key = 0;
  }
  const local = limits.localSize(payloadSize, type === LEAF_TABLE);
  out.payloadSize = payloadSize;
  out.payloadOffset = p;
  out.localSize = local;
  p += local;
  if (local < payloadSize) {
    if (p + 4 > end) throw corrupt(`cell at offset ${off} runs past the page`);
    out.overflowPgno = get32(data, p);
    p += 4;
  } else {
    out.overflowPgno = 0;
  }
  if (p > end) throw corrupt(`cell at offset ${off} runs past the page`);
  out.size = Math.max(4, p - off);
}

/** The rowid of the table cell (leaf or interior) at `off`: its key alone, for searches by rowid. */
export function tableCellKey(data: Uint8Array, off: number, type: number, usable: number): Int64 {
  if (off + 4 > usable) throw corrupt(`cell at offset ${off} runs past the page`);
  if (type === INTERIOR_TABLE) return getVarint(data, off + 4, usable);
  getVarint32(data, off, usable);
  return getVarint(data, off + varintLength, usable);
}

/** Size in bytes of the cell at `off`, as `parseCell` would report it (at least 4). */
export function cellSizeAt(data: Uint8Array, off: number, type: number, limits: PayloadLimits): number {
  return Math.max(4, rawCellSize(data, off, type, limits));
}

/**
 * Bytes the cell at `off` really encodes, without the 4-byte minimum a cell occupies on a page. Used when a
 * cell moves between a leaf and an interior page and gains or loses its 4-byte child pointer.
 */
export function rawCellSize(data: Uint8Array, off: number, type: number, limits: PayloadLimits): number {
  if (type === INTERIOR_TABLE) {
    let p = off + 4;
    while (data[p++]! & 0x80 && p < off + 13);
    return p - off;
  }
  let p = type & 8 ? off : off + 4;
  const payloadSize = getVarint32(data, p);
  p += varintLength;
  if (type === LEAF_TABLE) {
    getVarint(data, p);
    p += varintLength;
  }
  const local = limits.localSize(payloadSize, type === LEAF_TABLE);
  p += local;
  if (local < payloadSize) p += 4;
  return p - off;
}

/**
 * Total free bytes on a page: the gap between the cell pointer array and the content area, plus every
 * freeblock, plus fragmented bytes. Walks the freeblock list, checking it as SQLite does.
 */
export function freeBytes(data: Uint8Array, hdr: number, type: number, usable: number, pgno: number): number {
  const nCell = cellCount(data, hdr);
  const ptrEnd = hdr + headerSize(type) + 2 * nCell;
  const top = contentStart(data, hdr);
  if (top < ptrEnd || top > usable) throw corrupt(`page ${pgno} content area starts at ${top}, outside ${ptrEnd}..${usable}`);
  let free = top - ptrEnd + data[hdr + 7]!;
  let pc = get16(data, hdr + 1);
  if (pc !== 0 && pc < top) throw corrupt(`page ${pgno} freeblock at ${pc} lies before the content area`);
  while (pc !== 0) {
    if (pc > usable - 4) throw corrupt(`page ${pgno} freeblock at ${pc} runs past the page`);
    const next = get16(data, pc);
    const size = get16(data, pc + 2);
    if (size < 4 || pc + size > usable) throw corrupt(`page ${pgno} freeblock at ${pc} has bad size ${size}`);
    if (next !== 0 && next <= pc + size + 3) throw corrupt(`page ${pgno} freeblocks out of order at ${pc}`);
    free += size;
    pc = next;
  }
  if (free > usable - ptrEnd) throw corrupt(`page ${pgno} free space exceeds the page`);
  return free;
}

/**
 * Rewrites the content area so that all cells are packed against the end of the usable space, with no
 * freeblocks or fragments. `scratch` is a page-sized buffer.
 */
export function defragment(data: Uint8Array, hdr: number, type: number, limits: PayloadLimits, scratch: Uint8Array): void {
  const nCell = cellCount(data, hdr);
  const ptrs = hdr + headerSize(type);
  const usable = limits.usable;
  scratch.set(data.subarray(0, usable));
  let top = usable;
  for (let i = 0; i < nCell; i++) {
    const off = get16(scratch, ptrs + 2 * i);
    const size = cellSizeAt(scratch, off, type, limits);
    if (off + size > usable) throw corrupt(`cell ${i} runs past the page`);
    top -= size;
    if (top < ptrs + 2 * nCell) throw corrupt('cells overflow the page during defragmentation');
    data.set(scratch.subarray(off, off + size), top);
    put16(data, ptrs + 2 * i, top);
  }
  put16(data, hdr + 1, 0);
  put16(data, hdr + 5, top === 65536 ? 0 : top);
  data[hdr + 7] = 0;
  data.fill(0, ptrs + 2 * nCell, top);
}

/**
 * Carves `n` bytes out of the page for a new cell, from a fitting freeblock or the gap above the
 * content area, defragmenting first if needed. The caller has checked that `n + 2` bytes are free and
 * adds the 2-byte cell pointer itself. Returns the offset of the space.
 */
export function allocateSpace(
  data: Uint8Array,
  hdr: number,
  type: number,
  n: number,
  limits: PayloadLimits,
  scratch: Uint8Array,
): number {
  const ptrEnd = hdr + headerSize(type) + 2 * cellCount(data, hdr);
  let top = contentStart(data, hdr);
  if (get16(data, hdr + 1) !== 0 && ptrEnd + 2 <= top) {
    const at = takeFromFreeblock(data, hdr, n);
    if (at > 0) return at;
  }
  if (ptrEnd + 2 + n > top) {
    defragment(data, hdr, type, limits, scratch);
    top = contentStart(data, hdr);
  }
  top -= n;
  put16(data, hdr + 5, top);
  return top;
}

/** First-fit search of the freeblock list; returns the allocated offset or 0. */
function takeFromFreeblock(data: Uint8Array, hdr: number, n: number): number {
  let prev = hdr + 1;
  let pc = get16(data, prev);
  while (pc !== 0) {
    const size = get16(data, pc + 2);
    if (size >= n) {
      const rest = size - n;
      if (rest < 4) {
        // The leftover is too small to be a freeblock: it becomes fragmented bytes.
        if (data[hdr + 7]! + rest > 57) return 0;
        data[hdr + 7]! += rest;
        put16(data, prev, get16(data, pc));
        return pc;
      }
      put16(data, pc + 2, rest);
      return pc + rest;
    }
    prev = pc;
    pc = get16(data, pc);
  }
  return 0;
}

/**
 * Returns `size` bytes at `start` to the page's free space, merging with neighbouring freeblocks (and
 * the fragments between them) and giving space at the top of the content area back to the gap.
 */
export function releaseSpace(data: Uint8Array, hdr: number, start: number, size: number, pgno: number): void {
  let prev = hdr + 1;
  let next = get16(data, prev);
  while (next !== 0 && next < start) {
    prev = next;
    next = get16(data, next);
    if (next !== 0 && next <= prev) throw corrupt(`page ${pgno} freeblocks out of order`);
  }
  let end = start + size;
  let fragments = 0;
  if (next !== 0 && end + 3 >= next) {
    if (next < end) throw corrupt(`page ${pgno} freeblock overlaps a cell`);
    fragments = next - end;
    end = next + get16(data, next + 2);
    next = get16(data, next);
  }
  if (prev > hdr + 1) {
    const prevEnd = prev + get16(data, prev + 2);
    if (prevEnd + 3 >= start) {
      if (prevEnd > start) throw corrupt(`page ${pgno} freeblock overlaps a cell`);
      fragments += start - prevEnd;
      start = prev;
    }
  }
  if (fragments > data[hdr + 7]!) throw corrupt(`page ${pgno} fragment count is wrong`);
  data[hdr + 7]! -= fragments;
  if (start === contentStart(data, hdr)) {
    // The freed run begins the content area: move the content start instead of keeping a freeblock.
    if (prev !== hdr + 1) throw corrupt(`page ${pgno} freeblock lies before the content area`);
    put16(data, hdr + 1, next);
    put16(data, hdr + 5, end === 65536 ? 0 : end);
  } else {
    put16(data, prev, start);
    put16(data, start, next);
    put16(data, start + 2, end - start);
  }
}

/**
 * Inserts `cell` as cell number `idx`, returning false (page unchanged) when it does not fit.
 */
export function insertCell(
  data: Uint8Array,
  hdr: number,
  type: number,
  idx: number,
  cell: Uint8Array,
  limits: PayloadLimits,
  scratch: Uint8Array,
  pgno: number,
): boolean {
  const at = reserveCell(data, hdr, type, idx, cell.length, limits, scratch, pgno);
  if (at < 0) return false;
  data.set(cell, at);
  return true;
}

/**
 * Makes room for a `size`-byte cell as cell number `idx` and returns the offset where the caller then
 * writes it, or -1 (page unchanged) when it does not fit.
 */
export function reserveCell(
  data: Uint8Array,
  hdr: number,
  type: number,
  idx: number,
  size: number,
  limits: PayloadLimits,
  scratch: Uint8Array,
  pgno: number,
): number {
  const nCell = cellCount(data, hdr);
  // Room in the gap alone settles it; only a page short of gap space needs its freeblocks counted.
  const gap = contentStart(data, hdr) - (hdr + headerSize(type) + 2 * nCell);
  if (gap < size + 2 && freeBytes(data, hdr, type, limits.usable, pgno) < size + 2) return -1;
  const at = allocateSpace(data, hdr, type, size, limits, scratch);
  const ptr = hdr + headerSize(type) + 2 * idx;
  data.copyWithin(ptr + 2, ptr, hdr + headerSize(type) + 2 * nCell);
  put16(data, ptr, at);
  put16(data, hdr + 3, nCell + 1);
  return at;
}

/** Removes cell number `idx` (of `size` bytes) from the page. */
export function dropCell(data: Uint8Array, hdr: number, type: number, idx: number, size: number, usable: number, pgno: number): void {
  const nCell = cellCount(data, hdr);
  const ptr = hdr + headerSize(type) + 2 * idx;
  if (nCell === 1) {
    dropAll(data, hdr, usable);
    return;
  }
  releaseSpace(data, hdr, get16(data, ptr), size, pgno);
  data.copyWithin(ptr, ptr + 2, hdr + headerSize(type) + 2 * nCell);
  put16(data, hdr + 3, nCell - 1);
}

/** Empties a page: resets its content area so that no freeblocks or fragments linger. */
function dropAll(data: Uint8Array, hdr: number, usable: number): void {
  put16(data, hdr + 1, 0);
  put16(data, hdr + 3, 0);
  put16(data, hdr + 5, usable === 65536 ? 0 : usable);
  data[hdr + 7] = 0;
}

/**
 * Removes the cells at positions `drop` (two or more, ascending) as `dropCell` removes one, in one pass
 * over the cell pointer array. Their space goes back highest offset first: a page packed from the end
 * (as balancing and bulk loading leave it) holds its cells in descending offset order, so each freed
 * cell then lands at the head of the freeblock list instead of at its end. The caller has freed the
 * cells' overflow chains.
 */
export function dropCells(data: Uint8Array, hdr: number, type: number, drop: readonly number[], limits: PayloadLimits, pgno: number): void {
  const nCell = cellCount(data, hdr);
  const ptrs = hdr + headerSize(type);
  const count = drop.length;
  assert(count >= 2 && drop[count - 1]! < nCell, 'dropCells: positions past the last cell');
  if (count === nCell) {
    dropAll(data, hdr, limits.usable);
    return;
  }
  const freed = dropScratch;
  freed.length = 0;
  for (let k = 0; k < count; k++) {
    const off = get16(data, ptrs + 2 * drop[k]!);
    freed.push(off, cellSizeAt(data, off, type, limits));
  }
  // Descending offsets: already so for a packed page; otherwise an insertion sort of the few pairs.
  for (let k = 2; k < freed.length; k += 2) {
    const off = freed[k]!;
    const size = freed[k + 1]!;
    let j = k;
    for (; j > 0 && freed[j - 2]! < off; j -= 2) {
      freed[j] = freed[j - 2]!;
      freed[j + 1] = freed[j - 1]!;
    }
    freed[j] = off;
    freed[j + 1] = size;
  }
  for (let k = 0; k < freed.length; k += 2) releaseSpace(data, hdr, freed[k]!, freed[k + 1]!, pgno);
  let to = ptrs + 2 * drop[0]!;
  for (let k = 0; k < count; k++) {
    const from = ptrs + 2 * (drop[k]! + 1);
    const end = ptrs + 2 * (k + 1 < count ? drop[k + 1]! : nCell);
    assert(end >= from, 'dropCells: positions not ascending');
    data.copyWithin(to, from, end);
    to += end - from;
  }
  put16(data, hdr + 3, nCell - count);
}

/** `dropCells`' (offset, size) pairs, reused. */
const dropScratch: number[] = [];

/**
 * Writes a page from scratch: the header for `type`, then `cells` packed from the end of the usable
 * space. The caller has checked that they fit.
 */
export function writePage(
  data: Uint8Array,
  hdr: number,
  type: number,
  cells: readonly Uint8Array[],
  from: number,
  to: number,
  right: number,
  usable: number,
): void {
  const hsize = headerSize(type);
  data.fill(0, hdr, usable);
  data[hdr] = type;
  put16(data, hdr + 3, to - from);
  if (!(type & 8)) {
    data[hdr + 8] = right >>> 24;
    data[hdr + 9] = right >>> 16;
    data[hdr + 10] = right >>> 8;
    data[hdr + 11] = right;
  }
  let top = usable;
  let ptr = hdr + hsize;
  for (let i = from; i < to; i++) {
    const cell = cells[i]!;
    top -= cell.length;
    data.set(cell, top);
    put16(data, ptr, top);
    ptr += 2;
  }
  if (top < ptr) throw corrupt('cells do not fit the page being written');
  put16(data, hdr + 5, top === 65536 ? 0 : top);
}

/** Bytes available for cells and their pointers on an empty page of `type`. */
export function pageCapacity(usable: number, hdr: number, type: number): number {
  return usable - hdr - headerSize(type);
}
