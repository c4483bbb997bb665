/**
 * Index access paths: a table's rows visited through one of its indexes, in index order.
 *
 * An `IndexScan` walks one or more contiguous ranges of an index B-tree. Each range is fixed by an
 * equality prefix (one value per leading index column; an IN list gives several values, and the
 * ranges follow each other in index order, each distinct value once) and, optionally, by bounds on the
 * next column. A reversed scan walks the same entries backwards. A scan with neither is a full walk of the index (for ORDER BY or a covering read). For
 * each index entry the table row is found by the rowid the entry ends with, unless the scan is
 * `covering`: then the table's columns are read from the index record itself (the table source maps
 * its columns to the record's fields) and the table cursor is not moved.
 *
 * Invariant (as for every access path): the scan visits a superset of the rows the terms it came from
 * accept; those terms stay as filters. Probe values are converted as the comparison converts them
 * (`ProbeConversion`), and the planner uses an index only when the comparison's collation is the index
 * column's and the comparison never converts the column's side, so index order is comparison order.
 * `=` with NULL matches nothing; `IS` with NULL seeks the NULL entries. A range whose other side is
 * open stops at (or starts after) the NULL entries, which no range comparison accepts.
 */
import type { Btree } from '../btree/btree.js';
import type { BtCursor } from '../btree/cursor.js';
import { BINARY, type Collation, type KeyInfo, UnpackedKey } from '../record/compare.js';
import type { Int64 } from '../record/int64.js';
import { RecordReader } from '../record/record.js';
import { type SqlValue, ValueType } from '../record/value.js';
import type { IndexInfo } from '../plan/indexes.js';
import { Affinity, applyAffinity, convertedType } from '../value/affinity.js';
import { compareValues } from '../value/compare.js';
import type { Access } from './access.js';
import { type Evaluator, evalType } from './expr.js';
import { treeOf } from './schemas.js';

/** How a probe value is converted before seeking, as the comparison would convert it. */
export const ProbeConversion = { None: 0, Numeric: 1, Text: 2 } as const;
export type ProbeConversion = (typeof ProbeConversion)[keyof typeof ProbeConversion];

/** A value to seek with: its evaluator and its conversion. */
export interface Probe {
  value: Evaluator;
  conversion: ProbeConversion;
}

/** The values an equality column may take: one (`=`, `IS`) or a list (`IN`). */
export interface EqualityColumn {
  probes: Probe[];
  /** `IS`: a NULL value seeks the NULL entries (else NULL matches nothing). */
  nullMatches: boolean;
}

/** A bound of the range column, in value terms (`lower`: `>`/`>=`). */
export interface RangeBound {
  probe: Probe;
  lower: boolean;
  inclusive: boolean;
}

/** The KeyInfo of an index's records: its columns, then the rowid. */
export function indexKeyInfo(index: IndexInfo): KeyInfo {
  const n = index.columns.length;
  const desc = new Uint8Array(n + 1);
  index.columns.forEach((c, i) => (desc[i] = c.desc ? 1 : 0));
  return { nField: n + 1, desc, collations: [...index.columns.map((c) => c.collation), BINARY] };
}

/** The value `probe` evaluates to, converted; its storage class is left in `probeType`. */
export let probeType: ValueType = ValueType.Null;

export function evaluateProbe(probe: Probe): SqlValue {
  const v = probe.value();
  const t = evalType;
  probeType = t;
  if (probe.conversion === ProbeConversion.Numeric && t === ValueType.Text) {
    const n = applyAffinity(Affinity.Numeric, t, v);
    probeType = convertedType;
    return n;
  }
  if (probe.conversion === ProbeConversion.Text && (t === ValueType.Integer || t === ValueType.Real)) {
    const s = applyAffinity(Affinity.Text, t, v);
    probeType = convertedType;
    return s;
  }
  return v;
}

/** Index order of two values of one column (NULL first, then `compareValues` with the collation). */
function columnOrder(ta: ValueType, a: SqlValue, tb: ValueType, b: SqlValue, collation: Collation, desc: boolean): number {
  let c: number;
  if (ta === ValueType.Null || tb === ValueType.Null) c = ta === tb ? 0 : ta === ValueType.Null ? -1 : 1;
  else c = compareValues(ta, a, tb, b, collation);
  return desc ? -c : c;
}

/** The distinct values of one equality column for one execution, in index order. */
interface ValueList {
  types: ValueType[];
  values: SqlValue[];
}

/** Rows through an index: equality prefix ranges, each optionally bounded on the next column. */
export class IndexScan implements Access {
  /** Set by the table source when the query reads only columns the index holds. */
  covering = false;
  cursor: BtCursor | null = null;
  /** The cursor of the last execution, closed, for the next to reopen. */
  private spare: BtCursor | null = null;
  // Made when first opened (the planner builds scans it may not choose).
  private keyInfo: KeyInfo | null = null;
  private reader: RecordReader | null = null;
  private lists: ValueList[] = [];
  /** Per equality column, the position in its list of the current range. */
  private positions: Int32Array;
  private startKey: UnpackedKey | null = null;
  private endKey: UnpackedKey | null = null;
  private readonly keyValues: SqlValue[] = [];
  /** Whether the current range has a start (end) key in index order, and whether it is exclusive. */
  private hasStart = false;
  private startExclusive = false;
  private hasEnd = false;
  private endExclusive = false;
  /** Set by `setKey`: whether the bound it used is exclusive. */
  private exclusive = false;
  /** Whether the ranges are walked backwards (last entry first), for a descending ORDER BY. */
  reverse = false;
  /**
   * Set for min() or max() of the column after the equalities: NULLs of that column are skipped, and
   * only the first rows are wanted (the plan says SEARCH even without constraints, as SQLite's does).
   */
  endsOnly = false;

  constructor(
    readonly index: IndexInfo,
    readonly table: string,
    private readonly equalities: EqualityColumn[],
    private readonly low: RangeBound | null,
    private readonly high: RangeBound | null,
    /** How the plan line names the constraint columns, e.g. `a=? AND b>?` (empty for a full walk). */
    private readonly constraint: string,
  ) {
    this.positions = new Int32Array(equalities.length);
  }

  /** Whether the scan walks the whole index (no equality or range). */
  get fullWalk(): boolean {
    return this.constraint === '';
  }

  get plan(): string {
    const kind = this.covering ? 'COVERING INDEX' : 'INDEX';
    if (this.constraint === '') return `${this.endsOnly ? 'SEARCH' : 'SCAN'} ${this.table} USING ${kind} ${this.index.name}`;
    return `SEARCH ${this.table} USING ${kind} ${this.index.name} (${this.constraint})`;
  }

  /** How many leading index columns equalities constrain. */
  equalityCount(): number {
    return this.equalities.length;
  }

  /** Per index column, whether a single-value equality fixes it. */
  fixedColumns(): boolean[] {
    return this.index.columns.map((_, i) => i < this.equalities.length && this.equalities[i]!.probes.length === 1);
  }

  open(bt: Btree): void {
    if (!this.keyInfo) {
      this.keyInfo = indexKeyInfo(this.index);
      this.reader = new RecordReader();
      this.startKey = new UnpackedKey();
      this.endKey = new UnpackedKey();
    }
    this.cursor = treeOf(bt, this.index).cursor(this.index.root, this.keyInfo, this.spare);
  }

  close(): void {
    this.cursor?.close();
    this.spare = this.cursor ?? this.spare;
    this.cursor = null;
  }

  /** The index record of the current entry. */
  payload(): Uint8Array {
    return this.cursor!.payload();
  }

  /** The rowid the current index entry ends with. */
  rowid(): Int64 {
    const reader = this.reader!;
    this.cursor!.readRecord(reader);
    return reader.getInt(reader.count - 1);
  }

  first(table: BtCursor): boolean {
    if (!this.evaluateLists()) return false;
    for (let i = 0; i < this.positions.length; i++) this.positions[i] = this.reverse ? this.lists[i]!.values.length - 1 : 0;
    return (this.startRange() || this.nextRange()) && this.settle(table);
  }

  next(table: BtCursor): boolean {
    return this.step() && this.settle(table);
  }

  /** Moves to the next entry of the current range, or on to the following ranges. */
  private step(): boolean {
    const cursor = this.cursor!;
    if (this.reverse ? cursor.prev() && this.afterStart() : cursor.next() && this.beforeEnd()) return true;
    return this.nextRange();
  }

  /** Positions the table cursor on the row of the current entry (skipping entries whose row is missing). */
  private settle(table: BtCursor): boolean {
    if (this.covering) return true;
    for (;;) {
      if (table.seekRowid(this.rowid()) === 0) return true;
      if (!this.step()) return false;
    }
  }

  /** Evaluates the equality lists: converted, NULLs dropped (unless IS), sorted, deduplicated. */
  private evaluateLists(): boolean {
    const lists: ValueList[] = [];
    const columns = this.index.columns;
    for (let i = 0; i < this.equalities.length; i++) {
      const eq = this.equalities[i]!;
      const collation = columns[i]!.collation;
      const desc = columns[i]!.desc;
      const entries: { t: ValueType; v: SqlValue }[] = [];
      for (const probe of eq.probes) {
        const v = evaluateProbe(probe);
        if (probeType === ValueType.Null && !eq.nullMatches) continue;
        entries.push({ t: probeType, v });
      }
      if (entries.length === 0) return false;
      entries.sort((a, b) => columnOrder(a.t, a.v, b.t, b.v, collation, desc));
      const list: ValueList = { types: [], values: [] };
      for (const e of entries) {
        const n = list.types.length;
        if (n > 0 && columnOrder(list.types[n - 1]!, list.values[n - 1]!, e.t, e.v, collation, desc) === 0) continue;
        list.types.push(e.t);
        list.values.push(e.v);
      }
      lists.push(list);
    }
    this.lists = lists;
    return true;
  }

  /** Advances the equality positions to the next combination (backwards when reversed); false after the last. */
  private nextRange(): boolean {
    const positions = this.positions;
    for (let i = positions.length - 1; i >= 0; i--) {
      const size = this.lists[i]!.values.length;
      if (this.reverse ? --positions[i]! >= 0 : ++positions[i]! < size) {
        if (this.startRange()) return true;
        return this.nextRange();
      }
      positions[i] = this.reverse ? size - 1 : 0;
    }
    return false;
  }

  /** Sets the range's keys for the current equality values and seeks its first entry (its last when reversed). */
  private startRange(): boolean {
    const n = this.equalities.length;
    const values = this.keyValues;
    values.length = n;
    for (let i = 0; i < n; i++) values[i] = this.lists[i]!.values[this.positions[i]!]!;
    const desc = n < this.index.columns.length && this.index.columns[n]!.desc;
    const rangeColumn = this.low !== null || this.high !== null || this.endsOnly;
    // In index order: a DESC column runs from the high bound to the low one. An open side of a range
    // stops at the NULL entries (they sort lowest, so last in a DESC column).
    if (!this.setKey(this.startKey!, values, desc ? this.high : this.low, rangeColumn && !desc)) return false;
    this.startExclusive = this.exclusive;
    this.hasStart = values.length > 0;
    values.length = n;
    if (!this.setKey(this.endKey!, values, desc ? this.low : this.high, rangeColumn && desc)) return false;
    this.endExclusive = this.exclusive;
    this.hasEnd = values.length > 0;
    values.length = n;
    const cursor = this.cursor!;
    if (!this.reverse) {
      if (!this.hasStart) return cursor.first() && this.beforeEnd();
      const c = cursor.seek(this.startKey!, this.startExclusive ? 1 : -1);
      return cursor.valid && (c >= 0 || cursor.next()) && this.beforeEnd();
    }
    if (!this.hasEnd) return cursor.last() && this.afterStart();
    const c = cursor.seek(this.endKey!, this.endExclusive ? -1 : 1);
    return cursor.valid && (c < 0 || cursor.prev()) && this.afterStart();
  }

  /** Fills `key` with `values` and the bound's value (or NULL, exclusive, when `nullBound`); false when the bound is NULL. */
  private setKey(key: UnpackedKey, values: SqlValue[], bound: RangeBound | null, nullBound: boolean): boolean {
    this.exclusive = false;
    if (bound) {
      const v = evaluateProbe(bound.probe);
      if (probeType === ValueType.Null) return false;
      values.push(v);
      this.exclusive = !bound.inclusive;
    } else if (nullBound) {
      values.push(null);
      this.exclusive = true;
    }
    key.fromValues(values);
    return true;
  }

  /** Whether the current entry is not past the end of the range. */
  private beforeEnd(): boolean {
    if (!this.hasEnd) return true;
    const c = this.cursor!.compareKey(this.endKey!);
    return this.endExclusive ? c > 0 : c >= 0;
  }

  /** Whether the current entry is not before the start of the range. */
  private afterStart(): boolean {
    if (!this.hasStart) return true;
    const c = this.cursor!.compareKey(this.startKey!);
    return this.startExclusive ? c < 0 : c <= 0;
  }
}
