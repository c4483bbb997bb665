/**
 * Access paths: how a table's cursor visits the rows a query may need. A full scan visits every row;
 * a rowid lookup, a rowid IN list and a rowid range visit only rows whose rowid can satisfy a WHERE or
 * ON term of the form `rowid op value`.
 *
 * Invariant: an access path visits a superset of the rows that satisfy the terms it was built from,
 * never fewer. The terms themselves are still checked as filters, so a path may be generous (a REAL
 * bound is rounded outward, a TEXT bound on a rowid leaves that side open) but never too narrow.
 * Values are converted as the comparison would convert them: a rowid compares with NUMERIC affinity
 * applied to the other side, so '5' finds rowid 5 and 'abc' or 5.5 can equal no rowid.
 */
import type { Btree } from '../btree/btree.js';
import type { BtCursor } from '../btree/cursor.js';
import type { Int64 } from '../record/int64.js';
import { ValueType } from '../record/value.js';
import { numericValue, convertedType } from '../value/affinity.js';
import { type Evaluator, evalType } from './expr.js';

/** Visits candidate rows of one table: positions the table cursor on each in turn. */
export interface Access {
  /** A short description for EXPLAIN QUERY PLAN (`SCAN t`, `SEARCH t USING INTEGER PRIMARY KEY (rowid=?)`). */
  readonly plan: string;
  /** Opens the cursors the path keeps besides the table's (an index's). */
  open(bt: Btree): void;
  close(): void;
  /** Moves to the first candidate row; false when there is none. */
  first(table: BtCursor): boolean;
  /** Moves to the next candidate row; false past the last. */
  next(table: BtCursor): boolean;
}

/** Every row, in rowid order. */
export class FullScan implements Access {
  constructor(readonly plan: string) {}

  open(): void {}

  close(): void {}

  first(table: BtCursor): boolean {
    return table.first();
  }

  next(table: BtCursor): boolean {
    return table.next();
  }
}

/** Every row, in descending rowid order. */
export class ReverseScan implements Access {
  constructor(readonly plan: string) {}

  open(): void {}

  close(): void {}

  first(table: BtCursor): boolean {
    return table.last();
  }

  next(table: BtCursor): boolean {
    return table.prev();
  }
}

/** The first row, or the last, by rowid (for min() or max() of the rowid). */
export class RowidEnd implements Access {
  constructor(
    readonly plan: string,
    private readonly last: boolean,
  ) {}

  open(): void {}

  close(): void {}

  first(table: BtCursor): boolean {
    return this.last ? table.last() : table.first();
  }

  next(table: BtCursor): boolean {
    return this.last ? table.prev() : table.next();
  }
}

/**
 * The rowid equal to the evaluator's value, or null when no rowid can equal it (NULL, TEXT that is not
 * a number, BLOB, or a REAL that is not a whole number in range).
 */
function rowidKey(f: Evaluator): Int64 | null {
  const raw = f();
  const v = numericValue(evalType, raw);
  const t = convertedType;
  if (t === ValueType.Integer) return v as Int64;
  if (t !== ValueType.Real) return null;
  const r = v as number;
  if (!Number.isInteger(r) || r < -9223372036854775808 || r >= 9223372036854775808) return null;
  return Number.isSafeInteger(r) ? r : BigInt(r);
}

/** The row whose rowid equals a value. */
export class RowidEquals implements Access {
  constructor(
    readonly plan: string,
    private readonly value: Evaluator,
  ) {}

  open(): void {}

  close(): void {}

  first(table: BtCursor): boolean {
    const key = rowidKey(this.value);
    return key !== null && table.seekRowid(key) === 0;
  }

  next(): boolean {
    return false;
  }
}

/** The rows whose rowid is one of a list of values, in rowid order, each once. */
export class RowidIn implements Access {
  private keys: Int64[] = [];
  private position = 0;

  constructor(
    readonly plan: string,
    private readonly values: Evaluator[],
  ) {}

  open(): void {}

  close(): void {}

  first(table: BtCursor): boolean {
    const keys: Int64[] = [];
    for (const f of this.values) {
      const key = rowidKey(f);
      if (key !== null) keys.push(key);
    }
    keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.keys = keys;
    this.position = 0;
    return this.advance(table);
  }

  next(table: BtCursor): boolean {
    return this.advance(table);
  }

  private advance(table: BtCursor): boolean {
    const keys = this.keys;
    while (this.position < keys.length) {
      const key = keys[this.position++]!;
      if (this.position > 1 && keys[this.position - 2] === key) continue;
      if (table.seekRowid(key) === 0) return true;
    }
    return false;
  }
}

/** A bound of a rowid range: the evaluator and whether it is the lower one. */
export interface RowidBound {
  value: Evaluator;
  lower: boolean;
}

/** What a bound's value allows: a rowid limit, no limit (TEXT or BLOB, which every INTEGER is below), or no rows (NULL). */
type Limit = Int64 | 'open' | 'empty';

function boundLimit(bound: RowidBound): Limit {
  const raw = bound.value();
  const v = numericValue(evalType, raw);
  const t = convertedType;
  if (t === ValueType.Null) return 'empty';
  if (t === ValueType.Integer) return v as Int64;
  if (t !== ValueType.Real) return bound.lower ? 'empty' : 'open';
  const r = bound.lower ? Math.floor(v as number) : Math.ceil(v as number);
  if (r < -9223372036854775808) return bound.lower ? 'open' : 'empty';
  if (r >= 9223372036854775808) return bound.lower ? 'empty' : 'open';
  return Number.isSafeInteger(r) ? r : BigInt(r);
}

/** The rows whose rowid lies between optional bounds (inclusive; exclusive bounds are left to the filters). */
export class RowidRange implements Access {
  private upper: Int64 | null = null;

  constructor(
    readonly plan: string,
    private readonly low: RowidBound | null,
    private readonly high: RowidBound | null,
  ) {}

  open(): void {}

  close(): void {}

  first(table: BtCursor): boolean {
    const low = this.low ? boundLimit(this.low) : 'open';
    const high = this.high ? boundLimit(this.high) : 'open';
    if (low === 'empty' || high === 'empty') return false;
    this.upper = high === 'open' ? null : high;
    const ok = low === 'open' ? table.first() : table.seekRowidGE(low);
    return ok && this.inRange(table);
  }

  next(table: BtCursor): boolean {
    return table.next() && this.inRange(table);
  }

  private inRange(table: BtCursor): boolean {
    return this.upper === null || table.rowid() <= this.upper;
  }
}
