/**
 * In-memory models of B-tree contents for the randomized model test: a table model (rowids in order,
 * each with the version and size that determine its payload) and an index model (records kept sorted
 * by a comparator written here independently of the engine's record comparison).
 */
import type { Int64 } from '../../src/record/int64.js';
import type { SqlValue } from '../../src/record/value.js';

const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

/** `v` as Hearth represents a 64-bit integer: a number when it is a safe integer, else a bigint. */
export function int64(v: bigint): Int64 {
  return v >= -MAX_SAFE_BIG && v <= MAX_SAFE_BIG ? Number(v) : v;
}

/** JavaScript compares a number with a bigint exactly, so one comparison serves every Int64. */
export function compareInt64(a: Int64, b: Int64): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface Row {
  version: number;
  size: number;
}

export class TableModel {
  /** Rowids in ascending order. */
  keys: Int64[] = [];
  rows = new Map<Int64, Row>();

  get size(): number {
    return this.keys.length;
  }

  /** Index of the first rowid ≥ `k`. */
  lowerBound(k: Int64): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! < k) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first rowid > `k`. */
  upperBound(k: Int64): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! <= k) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  set(k: Int64, row: Row): void {
    if (!this.rows.has(k)) this.keys.splice(this.lowerBound(k), 0, k);
    this.rows.set(k, row);
  }

  removeAt(i: number): void {
    const k = this.keys[i]!;
    this.keys.splice(i, 1);
    this.rows.delete(k);
  }

  clear(): void {
    this.keys = [];
    this.rows.clear();
  }

  clone(): TableModel {
    const copy = new TableModel();
    copy.keys = this.keys.slice();
    copy.rows = new Map(this.rows);
    return copy;
  }
}

/** An index record as the model keeps it: its values, the UTF-8 bytes of its TEXT values, and its encoding. */
export interface IndexEntry {
  values: SqlValue[];
  text: (Uint8Array | null)[];
  record: Uint8Array;
}

const utf8 = new TextEncoder();

/** The `text` column of an IndexEntry for `values`. */
export function textBytes(values: readonly SqlValue[]): (Uint8Array | null)[] {
  return values.map((v) => (typeof v === 'string' ? utf8.encode(v) : null));
}

function storageClass(v: SqlValue): number {
  if (v === null) return 0;
  if (typeof v === 'number' || typeof v === 'bigint') return 1;
  if (typeof v === 'string') return 2;
  return 3;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

/**
 * SQLite's order of index keys with BINARY collation, over the fields both keys have: NULL, then numbers
 * by value, then TEXT by UTF-8 bytes, then BLOBs by bytes.
 */
export function compareKeys(a: { values: SqlValue[]; text: (Uint8Array | null)[] }, b: { values: SqlValue[]; text: (Uint8Array | null)[] }): number {
  const n = Math.min(a.values.length, b.values.length);
  for (let i = 0; i < n; i++) {
    const x = a.values[i]!;
    const y = b.values[i]!;
    const cx = storageClass(x);
    const cy = storageClass(y);
    let c = cx - cy;
    if (c === 0) {
      if (cx === 1) c = compareInt64(x as Int64, y as Int64);
      else if (cx === 2) c = compareBytes(a.text[i]!, b.text[i]!);
      else if (cx === 3) c = compareBytes(x as Uint8Array, y as Uint8Array);
    }
    if (c !== 0) return c;
  }
  return 0;
}

export class IndexModel {
  /** Entries in index order. */
  entries: IndexEntry[] = [];

  get size(): number {
    return this.entries.length;
  }

  /** Index of the first entry not below `probe` on the probe's fields. */
  lowerBound(probe: { values: SqlValue[]; text: (Uint8Array | null)[] }): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(this.entries[mid]!, probe) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first entry above `probe` on the probe's fields. */
  upperBound(probe: { values: SqlValue[]; text: (Uint8Array | null)[] }): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(this.entries[mid]!, probe) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Inserts an entry that equals none present. */
  insert(e: IndexEntry): void {
    this.entries.splice(this.lowerBound(e), 0, e);
  }

  removeAt(i: number): void {
    this.entries.splice(i, 1);
  }

  clear(): void {
    this.entries = [];
  }

  clone(): IndexModel {
    const copy = new IndexModel();
    copy.entries = this.entries.slice();
    return copy;
  }
}
