/**
 * SQLite's built-in window functions (sqlite.org/windowfunctions.html §3): row_number, rank,
 * dense_rank, percent_rank, cume_dist, ntile, lag, lead, first_value, last_value and nth_value.
 *
 * Each is computed for one row at a time from a `WindowRows` view of its partition, which the
 * executor (exec/window.ts) provides already sorted: positions run from 0 to `size - 1` in the
 * window's ORDER BY order, peers (rows equal under ORDER BY) are contiguous, and the frame is listed
 * in order with its EXCLUDE applied. Only first_value, last_value and nth_value read the frame; the
 * others see the whole partition, as in SQLite.
 *
 * Argument conventions follow SQLite: ntile reads N from the partition's first row (as an INTEGER,
 * which must be positive); lag and lead read the offset and default from the current row, and a
 * target that is not a whole position of the partition yields the default; nth_value reads N from the
 * current row, only when the frame has rows, and requires a positive whole number.
 */
import type { Int64 } from '../record/int64.js';
import { type SqlValue, ValueType } from '../record/value.js';
import { convertedType, numericValue } from '../value/affinity.js';
import type { Result } from '../value/args.js';
import { add, arithType, subtract } from '../value/arith.js';
import { toInt } from '../value/convert.js';

/** What a built-in window function sees of the partition around the current row. */
export interface WindowRows {
  /** Rows in the partition. */
  readonly size: number;
  /** The current row's position. */
  readonly position: number;
  /** The first position of the current row's peers, and one past the last. */
  readonly peerStart: number;
  readonly peerEnd: number;
  /** How many peer groups come before the current row's. */
  readonly peerGroup: number;
  /** The number of arguments of the call. */
  readonly argCount: number;
  /** Storage class and value of argument `arg` at `position`. */
  type(arg: number, position: number): ValueType;
  value(arg: number, position: number): SqlValue;
  /** Rows in the current row's frame. */
  frameSize(): number;
  /** The position of the frame's `n`-th row (0-based, n < frameSize()). */
  frameRow(n: number): number;
}

/** A built-in window function. */
export interface WindowFunction {
  readonly name: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Whether the result depends on the frame (otherwise only on the partition and peers). */
  readonly usesFrame: boolean;
  /**
   * The frame SQLite gives the function's window whatever the OVER clause says (units, start, end),
   * which decides which windows SQLite treats as the same; null when the OVER clause's frame stays.
   */
  readonly sqliteFrame: readonly [units: string, start: string, end: string] | null;
  /** Writes the result for the current row of `rows`. */
  compute(rows: WindowRows, result: Result): void;
}

/** Delivers argument `arg` at `position` as the result. */
function deliver(rows: WindowRows, arg: number, position: number, result: Result): void {
  const v = rows.value(arg, position);
  switch (rows.type(arg, position)) {
    case ValueType.Null:
      return result.null();
    case ValueType.Integer:
      return result.int(v as Int64);
    case ValueType.Real:
      return result.real(v as number);
    case ValueType.Text:
      return result.text(v as string);
    default:
      return result.blob(v as Uint8Array);
  }
}

/** The bucket (1-based) of row `i` among `size` rows split into `n` buckets, larger ones first. */
function bucketOf(i: number, size: number, n: Int64): number {
  if (BigInt(n) >= BigInt(size)) return i + 1;
  const buckets = Number(n);
  const small = Math.floor(size / buckets);
  const large = size % buckets;
  const inLarge = large * (small + 1);
  if (i < inLarge) return Math.floor(i / (small + 1)) + 1;
  return large + Math.floor((i - inLarge) / small) + 1;
}

/**
 * lag (`back`) and lead: the row `offset` positions before or after the current one, computed with
 * SQL arithmetic as SQLite computes it (so '2' counts as 2, 'x' as 0, and 1.5 reaches no row).
 */
function shifted(name: string, back: boolean): WindowFunction {
  return {
    name,
    minArgs: 1,
    maxArgs: 3,
    usesFrame: false,
    sqliteFrame: back ? ROWS_TO_CURRENT : ['ROWS', 'UNBOUNDED PRECEDING', 'UNBOUNDED FOLLOWING'],
    compute(rows, result) {
      const at = rows.position;
      let target = back ? at - 1 : at + 1;
      if (rows.argCount >= 2) {
        const t = rows.type(1, at);
        const v = rows.value(1, at);
        const moved = back ? subtract(ValueType.Integer, at, t, v) : add(ValueType.Integer, at, t, v);
        target = arithType === ValueType.Null ? -1 : Number(moved as Int64);
      }
      if (Number.isInteger(target) && target >= 0 && target < rows.size) return deliver(rows, 0, target, result);
      if (rows.argCount >= 3) return deliver(rows, 2, at, result);
      result.null();
    },
  };
}

const ROWS_TO_CURRENT = ['ROWS', 'UNBOUNDED PRECEDING', 'CURRENT ROW'] as const;
const RANGE_TO_CURRENT = ['RANGE', 'UNBOUNDED PRECEDING', 'CURRENT ROW'] as const;

const builtins: WindowFunction[] = [
  { name: 'row_number', minArgs: 0, maxArgs: 0, usesFrame: false, sqliteFrame: ROWS_TO_CURRENT, compute: (rows, r) => r.int(rows.position + 1) },
  { name: 'rank', minArgs: 0, maxArgs: 0, usesFrame: false, sqliteFrame: RANGE_TO_CURRENT, compute: (rows, r) => r.int(rows.peerStart + 1) },
  { name: 'dense_rank', minArgs: 0, maxArgs: 0, usesFrame: false, sqliteFrame: RANGE_TO_CURRENT, compute: (rows, r) => r.int(rows.peerGroup + 1) },
  {
    name: 'percent_rank',
    minArgs: 0,
    maxArgs: 0,
    usesFrame: false,
    sqliteFrame: ['GROUPS', 'CURRENT ROW', 'UNBOUNDED FOLLOWING'],
    compute: (rows, r) => r.real(rows.size > 1 ? rows.peerStart / (rows.size - 1) : 0),
  },
  {
    name: 'cume_dist',
    minArgs: 0,
    maxArgs: 0,
    usesFrame: false,
    sqliteFrame: ['GROUPS', 'FOLLOWING', 'UNBOUNDED FOLLOWING'],
    compute: (rows, r) => r.real(rows.peerEnd / rows.size),
  },
  {
    name: 'ntile',
    minArgs: 1,
    maxArgs: 1,
    usesFrame: false,
    sqliteFrame: ['ROWS', 'CURRENT ROW', 'UNBOUNDED FOLLOWING'],
    compute(rows, r) {
      const n = toInt(rows.type(0, 0), rows.value(0, 0));
      if (n <= 0) return r.error('argument of ntile must be a positive integer');
      r.int(bucketOf(rows.position, rows.size, n));
    },
  },
  shifted('lag', true),
  shifted('lead', false),
  {
    name: 'first_value',
    minArgs: 1,
    maxArgs: 1,
    usesFrame: true,
    sqliteFrame: null,
    compute: (rows, r) => (rows.frameSize() > 0 ? deliver(rows, 0, rows.frameRow(0), r) : r.null()),
  },
  {
    name: 'last_value',
    minArgs: 1,
    maxArgs: 1,
    usesFrame: true,
    sqliteFrame: null,
    compute(rows, r) {
      const size = rows.frameSize();
      if (size === 0) return r.null();
      deliver(rows, 0, rows.frameRow(size - 1), r);
    },
  },
  {
    name: 'nth_value',
    minArgs: 2,
    maxArgs: 2,
    usesFrame: true,
    sqliteFrame: null,
    compute(rows, r) {
      const size = rows.frameSize();
      if (size === 0) return r.null();
      const v = numericValue(rows.type(1, rows.position), rows.value(1, rows.position));
      let n: number;
      if (convertedType === ValueType.Integer) n = typeof v === 'bigint' ? Number.MAX_SAFE_INTEGER : (v as number);
      else if (convertedType === ValueType.Real && Number.isInteger(v)) n = v as number;
      else n = 0;
      if (n <= 0) return r.error('second argument to nth_value must be a positive integer');
      if (n > size) return r.null();
      deliver(rows, 0, rows.frameRow(n - 1), r);
    },
  },
];

const byName = new Map(builtins.map((f) => [f.name, f]));

/** The built-in window function `name` (case-insensitive), or undefined. */
export function windowFunction(name: string): WindowFunction | undefined {
  return byName.get(name.toLowerCase());
}
