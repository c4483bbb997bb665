/**
 * Window frames (sqlite.org/windowfunctions.html §2.2): the compiled frame of a window function
 * call, the checks SQLite makes of it, and the bounds of the frame of each row of a sorted partition.
 *
 * Positions are indexes into the window's sorted row order; a partition is the range
 * [`start`, `end`) of them, with its peer groups (rows equal under the window's ORDER BY) contiguous.
 * A frame is the range [`frameStart`, `frameEnd`) — empty when the end is not past the start; EXCLUDE
 * is applied by the caller. Frame offsets are evaluated once per execution (only when some row needs
 * them) and checked as SQLite checks them: ROWS and GROUPS want a non-negative integer, RANGE a
 * non-negative number. RANGE with an offset compares the single ORDER BY term of each row with the
 * current row's value moved by the offset (a value that is not a number — NULL, TEXT, BLOB — is not
 * moved, so such a row's frame is its peers), found by binary search since the partition is sorted.
 */
import { SqliteError } from '../common/errors.js';
import type { Collation } from '../record/compare.js';
import { type SqlValue, ValueType } from '../record/value.js';
import type { Expr, FrameBound, FrameSpec, OrderingTerm } from '../sql/ast.js';
import { forEachChild, treeText } from '../sql/walk.js';
import { Affinity, applyAffinity, convertedType } from '../value/affinity.js';
import { add, arithType, subtract } from '../value/arith.js';
import { compareValues } from '../value/compare.js';
import { type CompileContext, type Evaluator, compileExpr, evalType } from './expr.js';

type BoundType = FrameBound['type'];

/** One end of a compiled frame. */
interface BoundPlan {
  type: BoundType;
  /** The offset of `n PRECEDING` / `n FOLLOWING`; null for the other bound types. */
  offset: Evaluator | null;
}

export const EXCLUDE_NONE = 0;
export const EXCLUDE_CURRENT_ROW = 1;
export const EXCLUDE_GROUP = 2;
export const EXCLUDE_TIES = 3;
/** EXCLUDE NO OTHERS: no row is excluded, but, as for the others, SQLite computes each frame afresh. */
export const EXCLUDE_NO_OTHERS = 4;

/** A window function call's frame, as compiled. */
export interface FramePlan {
  units: FrameSpec['units'];
  start: BoundPlan;
  end: BoundPlan;
  exclude: number;
  /** The frame as SQLite compares windows: equal texts for frames that are the same. */
  signature: string;
}

/** The frame of a window without a frame clause: RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW. */
const DEFAULT_FRAME: FrameSpec = {
  units: 'RANGE',
  from: { type: 'UNBOUNDED PRECEDING', offset: null, start: 0, end: 0 },
  to: { type: 'CURRENT ROW', offset: null, start: 0, end: 0 },
  exclude: null,
  start: 0,
  end: 0,
};

const NULL_EXPR: Expr = { kind: 'null', start: 0, end: 0 };

const EXCLUSIONS = { 'NO OTHERS': EXCLUDE_NO_OTHERS, 'CURRENT ROW': EXCLUDE_CURRENT_ROW, GROUP: EXCLUDE_GROUP, TIES: EXCLUDE_TIES } as const;

/**
 * Compiles `frame` (null for the default) of a window ordered by `orderBy` (the parser has rejected
 * frames that end before they start), with SQLite's error for RANGE offsets without one ORDER BY
 * term. An offset that is not a constant expression counts as NULL, as in
 * SQLite (which then reports it as not a valid offset).
 */
export function compileFrame(frame: FrameSpec | null, orderBy: readonly OrderingTerm[], cx: CompileContext): FramePlan {
  const spec = frame ?? DEFAULT_FRAME;
  const to: FrameBound = spec.to ?? { type: 'CURRENT ROW', offset: null, start: 0, end: 0 };
  const from = spec.from;
  if (spec.units === 'RANGE' && (from.offset !== null || to.offset !== null) && orderBy.length !== 1) {
    throw new SqliteError('SQLITE_ERROR', 'RANGE with offset PRECEDING/FOLLOWING requires one ORDER BY expression');
  }
  const bound = (b: FrameBound): BoundPlan => ({
    type: b.type,
    offset: b.offset ? compileExpr(isConstant(b.offset) ? b.offset : NULL_EXPR, { ...cx, scope: null, aggregates: null, windows: null }).fn : null,
  });
  const exclude = spec.exclude === null ? EXCLUDE_NONE : EXCLUSIONS[spec.exclude];
  const signature = frameSignature(spec.units, from.type, from.offset, to.type, to.offset, exclude);
  return { units: spec.units, start: bound(from), end: bound(to), exclude, signature };
}

/** A frame as a text that is equal for frames SQLite considers the same. */
export function frameSignature(units: string, from: string, fromOffset: Expr | null, to: string, toOffset: Expr | null, exclude: number): string {
  return treeText([units, from, fromOffset, to, toOffset, exclude]);
}

/** Whether `expr` is constant as SQLite's parser judges a frame offset: no columns, functions or subqueries. */
function isConstant(expr: Expr): boolean {
  if (expr.kind === 'column' || expr.kind === 'function' || expr.kind === 'subquery' || expr.kind === 'exists' || expr.kind === 'raise') return false;
  if (expr.kind === 'in' && expr.values.kind !== 'list') return false;
  let constant = true;
  forEachChild(expr, (child) => {
    if (constant && !isConstant(child)) constant = false;
  });
  return constant;
}

/** A sorted partition of a window and its peer groups, by position. */
export interface Partition {
  start: number;
  end: number;
  /** Per position: the first position of its peer group, one past the last, and the group's number in the partition. */
  peerStart: Int32Array;
  peerEnd: Int32Array;
  peerGroup: Int32Array;
  /** The first position of each peer group of the partition, in order, then `end`. */
  groupStarts: Int32Array;
  groupCount: number;
  /** The single ORDER BY term's value at a position (for RANGE with an offset). */
  keyType(position: number): ValueType;
  keyValue(position: number): SqlValue;
}

/** How the single ORDER BY term orders its values. */
export interface KeyOrder {
  collation: Collation;
  desc: boolean;
  nullsFirst: boolean;
}

/** The frame of one call, for one row at a time. */
export class FrameBounds {
  frameStart = 0;
  frameEnd = 0;
  /** The frame's end before an empty frame is normalized: how far rows have entered the frame. */
  reach = 0;
  /** The offsets as evaluated for this execution (ROWS and GROUPS: a count; RANGE: a number). */
  private startOffset: SqlValue = 0;
  private startOffsetType: ValueType = ValueType.Integer;
  private endOffset: SqlValue = 0;
  private endOffsetType: ValueType = ValueType.Integer;

  constructor(
    private readonly plan: FramePlan,
    /** The ORDER BY term's ordering, for RANGE with an offset. */
    private readonly key: KeyOrder | null,
  ) {}

  /** Evaluates and checks the offsets (once per execution, before the first row). */
  prepare(): void {
    const plan = this.plan;
    if (plan.start.offset) {
      this.startOffset = this.checkedOffset(plan.start.offset, 'starting');
      this.startOffsetType = convertedType;
    }
    if (plan.end.offset) {
      this.endOffset = this.checkedOffset(plan.end.offset, 'ending');
      this.endOffsetType = convertedType;
    }
  }

  private checkedOffset(offset: Evaluator, which: string): SqlValue {
    const raw = offset();
    const range = this.plan.units === 'RANGE';
    const v = applyAffinity(range ? Affinity.Numeric : Affinity.Integer, evalType, raw);
    const t = convertedType;
    const numeric = t === ValueType.Integer || (range && t === ValueType.Real);
    if (!numeric || (v as number | bigint) < 0) {
      throw new SqliteError('SQLITE_ERROR', `frame ${which} offset must be a non-negative ${range ? 'number' : 'integer'}`);
    }
    return v;
  }

  /** Sets `frameStart` and `frameEnd` for the row at `position` of `partition`. */
  compute(partition: Partition, position: number): void {
    const start = this.bound(this.plan.start.type, true, partition, position);
    const end = this.bound(this.plan.end.type, false, partition, position);
    this.frameStart = start;
    this.frameEnd = end < start ? start : end;
    this.reach = end;
  }

  private bound(type: BoundType, isStart: boolean, p: Partition, position: number): number {
    switch (type) {
      case 'UNBOUNDED PRECEDING':
        return p.start;
      case 'UNBOUNDED FOLLOWING':
        return p.end;
      case 'CURRENT ROW':
        if (this.plan.units === 'ROWS') return isStart ? position : position + 1;
        return isStart ? p.peerStart[position]! : p.peerEnd[position]!;
      default:
        break;
    }
    const preceding = type === 'PRECEDING';
    const offset = isStart ? this.startOffset : this.endOffset;
    if (this.plan.units === 'RANGE') return this.rangeBound(preceding, isStart, offset, isStart ? this.startOffsetType : this.endOffsetType, p, position);
    const n = Number(offset as number | bigint);
    if (this.plan.units === 'ROWS') {
      const at = preceding ? position - n : position + n;
      return clamp(isStart ? at : at + 1, p.start, p.end);
    }
    const group = p.peerGroup[position]! + (preceding ? -n : n);
    const target = isStart ? group : group + 1;
    if (target <= 0) return p.start;
    if (target >= p.groupCount) return p.end;
    return p.groupStarts[target]!;
  }

  /**
   * A RANGE bound with an offset: binary search for the first row at or past (end: past) the bound.
   * SQLite compares in doubles where a value plus the offset rounds, and which value it moves
   * differs by bound: a FOLLOWING start moves the current row's value (`v >= x + 1.5`), the other
   * bounds the other row's (`v + 1.5 <= x` for a PRECEDING end); and a PRECEDING start or FOLLOWING
   * end never leaves out the current row's peers (its cursors never pass the current row there).
   */
  private rangeBound(preceding: boolean, isStart: boolean, offset: SqlValue, offsetType: ValueType, p: Partition, position: number): number {
    const key = this.key!;
    const type = p.keyType(position);
    const value = p.keyValue(position);
    const up = preceding !== key.desc;
    const numeric = (t: ValueType): boolean => t === ValueType.Integer || t === ValueType.Real;
    let boundType = type;
    let bound = value;
    const moveCurrent = isStart && !preceding;
    if (moveCurrent && numeric(type)) {
      bound = up ? subtract(type, value, offsetType, offset) : add(type, value, offsetType, offset);
      boundType = arithType;
    }
    let lo = p.start;
    let hi = p.end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      let midType = p.keyType(mid);
      let midValue = p.keyValue(mid);
      if (!moveCurrent && numeric(midType)) {
        midValue = up ? add(midType, midValue, offsetType, offset) : subtract(midType, midValue, offsetType, offset);
        midType = arithType;
      }
      const c = compareKeys(midType, midValue, boundType, bound, key);
      if (isStart ? c < 0 : c <= 0) lo = mid + 1;
      else hi = mid;
    }
    const peer = (i: number): boolean => compareKeys(p.keyType(i), p.keyValue(i), type, value, key) === 0;
    if (isStart && preceding && lo > position) {
      lo = position;
      while (lo > p.start && peer(lo - 1)) lo--;
    } else if (!isStart && !preceding && lo <= position) {
      lo = position + 1;
      while (lo < p.end && peer(lo)) lo++;
    }
    return lo;
  }
}

function clamp(n: number, lo: number, hi: number): number {
  return n < lo ? lo : n > hi ? hi : n;
}

/** Orders two values of the ORDER BY term as the window sorts them. */
export function compareKeys(ta: ValueType, a: SqlValue, tb: ValueType, b: SqlValue, key: KeyOrder): number {
  if (ta === ValueType.Null || tb === ValueType.Null) {
    if (ta === tb) return 0;
    return (ta === ValueType.Null) === key.nullsFirst ? -1 : 1;
  }
  // Two numbers held as doubles compare directly (most sort keys are).
  const numbers = typeof a === 'number' && typeof b === 'number' && ta !== ValueType.Text && tb !== ValueType.Text;
  const c = numbers ? (a < b ? -1 : a > b ? 1 : 0) : compareValues(ta, a, tb, b, key.collation);
  return key.desc ? -c : c;
}
