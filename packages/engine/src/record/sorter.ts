/**
 * Records collected into one buffer and put in key order, as SQLite's sorter does for CREATE INDEX:
 * the keys of a whole table are gathered, sorted once, and then read back in order.
 *
 * Records are stored back to back in a single growing byte buffer, record i at `[starts[i],
 * starts[i + 1])`, so collecting a key costs no allocation of its own. Sorting permutes an array of
 * record numbers with a merge sort. When every record has a byte-comparable sort key (sortkey.ts) the
 * keys are built once and compared as bytes, their first four bytes as one number; otherwise the packed
 * records are compared in place (compareRecordRanges). The caller bounds the memory used by sorting and
 * emptying the sorter in batches (`byteLength`).
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
      mergeSortKeys(order, this.scratch, 0, n, this.prefixes, this.keys, this.keyStarts);
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
 * Compares sort keys x and y: by their prefixes, then byte by byte past them, the shorter first. The
 * hot loop of sorting, kept apart from the class so that it works on locals only.
 */
function compareKeys(x: number, y: number, prefixes: Uint32Array, keys: Uint8Array, keyStarts: Int32Array): number {
  const px = prefixes[x]!;
  const py = prefixes[y]!;
  if (px !== py) return px < py ? -1 : 1;
  const xs = keyStarts[x]!;
  const ys = keyStarts[y]!;
  const xn = keyStarts[x + 1]! - xs;
  const yn = keyStarts[y + 1]! - ys;
  const n = xn < yn ? xn : yn;
  for (let k = n < 4 ? n : 4; k < n; k++) {
    const d = keys[xs + k]! - keys[ys + k]!;
    if (d !== 0) return d;
  }
  return xn - yn;
}

/** Sorts `a[lo, hi)` by sort keys, using `tmp[lo, hi)` as scratch. Stable. */
function mergeSortKeys(a: Int32Array, tmp: Int32Array, lo: number, hi: number, prefixes: Uint32Array, keys: Uint8Array, keyStarts: Int32Array): void {
  if (hi - lo <= INSERTION_RUN) {
    for (let i = lo + 1; i < hi; i++) {
      const v = a[i]!;
      let j = i - 1;
      while (j >= lo && compareKeys(a[j]!, v, prefixes, keys, keyStarts) > 0) {
        a[j + 1] = a[j]!;
        j--;
      }
      a[j + 1] = v;
    }
    return;
  }
  const mid = (lo + hi) >>> 1;
  mergeSortKeys(a, tmp, lo, mid, prefixes, keys, keyStarts);
  mergeSortKeys(a, tmp, mid, hi, prefixes, keys, keyStarts);
  if (compareKeys(a[mid - 1]!, a[mid]!, prefixes, keys, keyStarts) <= 0) return;
  tmp.set(a.subarray(lo, mid), lo);
  let i = lo;
  let j = mid;
  let k = lo;
  while (i < mid && j < hi) {
    if (compareKeys(a[j]!, tmp[i]!, prefixes, keys, keyStarts) < 0) a[k++] = a[j++]!;
    else a[k++] = tmp[i++]!;
  }
  while (i < mid) a[k++] = tmp[i++]!;
}
