/**
 * Records collected into one buffer and put in key order, as SQLite's sorter does for CREATE INDEX:
 * the keys of a whole table are gathered, sorted once, and then read back in order.
 *
 * Records are stored back to back in a single growing byte buffer, record i at `[starts[i],
 * starts[i + 1])`, so collecting a key costs no allocation of its own. Sorting permutes an array of
 * record numbers. When every record has a byte-comparable sort key (sortkey.ts) the keys are built once
 * and radix-sorted byte by byte, small buckets by comparing bytes (the first four as one number);
 * otherwise a merge sort compares the packed records in place (compareRecordRanges). The caller
 * bounds the memory used by sorting and emptying the sorter in batches (`byteLength`).
 */
import { type KeyInfo, compareRecordRanges } from './compare.js';
import type { RecordWriter } from './record.js';
import { encodeSortKey, maxSortKeySize } from './sortkey.js';

/** Runs this short are sorted by insertion before merging. */
const INSERTION_RUN = 12;

function grownBytes(a: Uint8Array, used: number, need: number): Uint8Array {
  if (need <= a.length) return a;
  const grown = new Uint8Array(Math.max(a.length * 2, need));
  grown.set(a.subarray(0, used));
  return grown;
}

export class RecordSorter {
  private bytes: Uint8Array = new Uint8Array(1 << 16);
  private used = 0;
  /** starts[i] is where record i begins; starts[count] is the end of the last. */
  private starts = new Int32Array(1 << 10);
  /** Record numbers in sorted order, after `sort`. */
  private order = new Int32Array(0);
  private scratch = new Int32Array(0);
  /** The sort keys, laid out as the records are, and the first four bytes of each (big-endian, zero-padded). */
  private keys: Uint8Array = new Uint8Array(0);
  private keyStarts = new Int32Array(0);
  private prefixes = new Uint32Array(0);
  private info: KeyInfo | null = null;
  /** radixSortKeys' bucket tables, one per byte depth, made on first use. */
  private readonly counts: Int32Array[] = [];
  count = 0;

  /** Bytes of records held. */
  get byteLength(): number {
    return this.used;
  }

  /** Appends the record `w` has built. */
  push(w: RecordWriter): void {
    const size = w.size();
    this.bytes = grownBytes(this.bytes, this.used, this.used + size);
    if (this.count + 2 > this.starts.length) {
      const grown = new Int32Array(this.starts.length * 2);
      grown.set(this.starts);
      this.starts = grown;
    }
    w.writeTo(this.bytes, this.used);
    this.used += size;
    this.count++;
    this.starts[this.count] = this.used;
  }

  /** Orders the records held under `info`. */
  sort(info: KeyInfo): void {
    const n = this.count;
    if (this.order.length < n) {
      this.order = new Int32Array(n);
      this.scratch = new Int32Array(n);
    }
    const order = this.order;
    for (let i = 0; i < n; i++) order[i] = i;
    if (this.buildKeys(info)) {
      radixSortKeys(order, this.scratch, 0, n, 0, 0, this.prefixes, this.keys, this.keyStarts, this.counts);
    } else {
      this.info = info;
      this.mergeSort(order, this.scratch, 0, n);
      this.info = null;
    }
  }

  /** The buffer holding every record; record `sorted(i)` is at `[start(i), start(i) + length(i))`. */
  get buffer(): Uint8Array {
    return this.bytes;
  }

  /** Start of the i-th record in sorted order. */
  start(i: number): number {
    return this.starts[this.order[i]!]!;
  }

  /** Length of the i-th record in sorted order. */
  length(i: number): number {
    const k = this.order[i]!;
    return this.starts[k + 1]! - this.starts[k]!;
  }

  /** Forgets every record (the buffers are kept for the next batch). */
  clear(): void {
    this.used = 0;
    this.count = 0;
  }

  /** Builds the sort key of every record; false (and no keys) when some record has none. */
  private buildKeys(info: KeyInfo): boolean {
    const n = this.count;
    if (this.keyStarts.length < n + 1) {
      this.keyStarts = new Int32Array(n + 1);
      this.prefixes = new Uint32Array(n);
    }
    const starts = this.starts;
    let at = 0;
    for (let i = 0; i < n; i++) {
      const off = starts[i]!;
      const len = starts[i + 1]! - off;
      this.keys = grownBytes(this.keys, at, at + maxSortKeySize(len));
      const keys = this.keys;
      const size = encodeSortKey(this.bytes, off, len, info, keys, at);
      if (size < 0) return false;
      this.keyStarts[i] = at;
      this.prefixes[i] = ((keys[at]! << 24) | (size > 1 ? keys[at + 1]! << 16 : 0) | (size > 2 ? keys[at + 2]! << 8 : 0) | (size > 3 ? keys[at + 3]! : 0)) >>> 0;
      at += size;
    }
    this.keyStarts[n] = at;
    return true;
  }

  private compare(x: number, y: number): number {
    const starts = this.starts;
    const bytes = this.bytes;
    const xs = starts[x]!;
    const ys = starts[y]!;
    return compareRecordRanges(bytes, xs, starts[x + 1]! - xs, bytes, ys, starts[y + 1]! - ys, this.info!);
  }

  /** Sorts `a[lo, hi)` by comparing records, using `tmp[lo, hi)` as scratch. Stable. */
  private mergeSort(a: Int32Array, tmp: Int32Array, lo: number, hi: number): void {
    if (hi - lo <= INSERTION_RUN) {
      for (let i = lo + 1; i < hi; i++) {
        const v = a[i]!;
        let j = i - 1;
        while (j >= lo && this.compare(a[j]!, v) > 0) {
          a[j + 1] = a[j]!;
          j--;
        }
        a[j + 1] = v;
      }
      return;
    }
    const mid = (lo + hi) >>> 1;
    this.mergeSort(a, tmp, lo, mid);
    this.mergeSort(a, tmp, mid, hi);
    // Already in order (common for keys that follow the rowid order): nothing to merge.
    if (this.compare(a[mid - 1]!, a[mid]!) <= 0) return;
    tmp.set(a.subarray(lo, mid), lo);
    let i = lo;
    let j = mid;
    let k = lo;
    while (i < mid && j < hi) {
      if (this.compare(a[j]!, tmp[i]!) < 0) a[k++] = a[j++]!;
      else a[k++] = tmp[i++]!;
    }
    while (i < mid) a[k++] = tmp[i++]!;
  }
}

/**
 * Compares sort keys x and y, which agree on their first `depth` bytes: by their prefixes while those
 * can still differ, then byte by byte past both, the shorter first. The hot loop of sorting, kept apart
 * from the class so that it works on locals only.
 */
function compareKeys(x: number, y: number, depth: number, prefixes: Uint32Array, keys: Uint8Array, keyStarts: Int32Array): number {
  let from = depth;
  if (depth < 4) {
    const px = prefixes[x]!;
    const py = prefixes[y]!;
    if (px !== py) return px < py ? -1 : 1;
    from = 4;
  }
  const xs = keyStarts[x]!;
  const ys = keyStarts[y]!;
  const xn = keyStarts[x + 1]! - xs;
  const yn = keyStarts[y + 1]! - ys;
  const n = xn < yn ? xn : yn;
  for (let k = n < from ? n : from; k < n; k++) {
    const d = keys[xs + k]! - keys[ys + k]!;
    if (d !== 0) return d;
  }
  return xn - yn;
}

/** Buckets of fewer keys than this are sorted by comparisons (mergeSortKeys). */
const RADIX_CUTOFF = 32;
/** Splits deeper than this (keys sharing long prefixes, split a few at a time) go to mergeSortKeys too. */
const RADIX_LEVELS = 48;

/**
 * Sorts `a[lo, hi)` by sort keys that agree on their first `depth` bytes, using `tmp[lo, hi)` as
 * scratch: a most-significant-digit radix sort, one byte per level, where a key that has ended sorts
 * before any byte (the shorter first). Bytes that all the keys share are skipped by one comparison
 * with the first key, without counting or moving. Stable. `level` counts the splits above; `counts[d]`
 * is the bucket table of depth d (depths only grow down the recursion, so no two calls share one).
 */
function radixSortKeys(
  a: Int32Array,
  tmp: Int32Array,
  lo: number,
  hi: number,
  depth: number,
  level: number,
  prefixes: Uint32Array,
  keys: Uint8Array,
  keyStarts: Int32Array,
  counts: Int32Array[],
): void {
  for (;;) {
    if (hi - lo < RADIX_CUTOFF || level > RADIX_LEVELS) {
      mergeSortKeys(a, tmp, lo, hi, depth, prefixes, keys, keyStarts);
      return;
    }
    // Bytes that every key shares with the first past `depth` are stepped over at once, not by a
    // counting pass each (an index's leading column, common words at the start of texts).
    const first = a[lo]!;
    const firstAt = keyStarts[first]! + depth;
    let common = keyStarts[first + 1]! - firstAt;
    for (let i = lo + 1; i < hi && common > 0; i++) {
      const at = keyStarts[a[i]!]! + depth;
      const left = keyStarts[a[i]! + 1]! - at;
      const most = left < common ? left : common;
      let k = 0;
      while (k < most && keys[at + k] === keys[firstAt + k]) k++;
      common = k;
    }
    depth += common;
    // Bucket 0: the key has ended; bucket b + 1: its byte at `depth` is b.
    const count = (counts[depth] ??= new Int32Array(257));
    count.fill(0);
    for (let i = lo; i < hi; i++) {
      const x = a[i]!;
      const at = keyStarts[x]! + depth;
      count[at < keyStarts[x + 1]! ? keys[at]! + 1 : 0]!++;
    }
    const firstBucket = firstAt + common < keyStarts[first + 1]! ? keys[firstAt + common]! + 1 : 0;
    if (count[firstBucket] === hi - lo) {
      if (firstBucket === 0) return; // every key ended here: all equal
      depth++;
      continue;
    }
    // Bucket starts, then a stable scatter through `tmp` (each entry of `count` ends as its bucket's end).
    let sum = lo;
    for (let b = 0; b < 257; b++) {
      const c = count[b]!;
      count[b] = sum;
      sum += c;
    }
    for (let i = lo; i < hi; i++) {
      const x = a[i]!;
      const at = keyStarts[x]! + depth;
      tmp[count[at < keyStarts[x + 1]! ? keys[at]! + 1 : 0]!++] = x;
    }
    a.set(tmp.subarray(lo, hi), lo);
    let start = count[0]!;
    for (let b = 1; b < 257; b++) {
      const end = count[b]!;
      if (end - start > 1) radixSortKeys(a, tmp, start, end, depth + 1, level + 1, prefixes, keys, keyStarts, counts);
      start = end;
    }
    return;
  }
}

/** Sorts `a[lo, hi)` by sort keys that agree on their first `depth` bytes, using `tmp[lo, hi)` as scratch. Stable. */
function mergeSortKeys(
  a: Int32Array,
  tmp: Int32Array,
  lo: number,
  hi: number,
  depth: number,
  prefixes: Uint32Array,
  keys: Uint8Array,
  keyStarts: Int32Array,
): void {
  if (hi - lo <= INSERTION_RUN) {
    for (let i = lo + 1; i < hi; i++) {
      const v = a[i]!;
      let j = i - 1;
      while (j >= lo && compareKeys(a[j]!, v, depth, prefixes, keys, keyStarts) > 0) {
        a[j + 1] = a[j]!;
        j--;
      }
      a[j + 1] = v;
    }
    return;
  }
  const mid = (lo + hi) >>> 1;
  mergeSortKeys(a, tmp, lo, mid, depth, prefixes, keys, keyStarts);
  mergeSortKeys(a, tmp, mid, hi, depth, prefixes, keys, keyStarts);
  if (compareKeys(a[mid - 1]!, a[mid]!, depth, prefixes, keys, keyStarts) <= 0) return;
  tmp.set(a.subarray(lo, mid), lo);
  let i = lo;
  let j = mid;
  let k = lo;
  while (i < mid && j < hi) {
    if (compareKeys(a[j]!, tmp[i]!, depth, prefixes, keys, keyStarts) < 0) a[k++] = a[j++]!;
    else a[k++] = tmp[i++]!;
  }
  while (i < mid) a[k++] = tmp[i++]!;
}
