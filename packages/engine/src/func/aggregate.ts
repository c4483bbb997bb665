/**
 * SQLite's built-in aggregates (sqlite.org/lang_aggfunc.html): count(*), count(X), sum, total, avg,
 * min, max, group_concat and string_agg, plus a DISTINCT wrapper.
 *
 * sum/total/avg add INTEGERs exactly in 64 bits. The first value that is not an INTEGER (TEXT counts
 * as its numeric value when it is well-formed, as sqlite3_value_numeric_type reads it) switches the
 * sum to doubles, accumulated with Kahan–Babuška–Neumaier compensation and big INTEGERs split in two
 * so that their low bits are not lost. An INTEGER overflow also switches to doubles; sum() then fails
 * with "integer overflow" unless a non-INTEGER value came after it, while total() and avg() carry on.
 * sum of INTEGERs is an INTEGER, of anything else a REAL, of no rows NULL; total is always a REAL
 * (0.0 for no rows); avg a REAL (NULL for no rows).
 *
 * min/max ignore NULLs, compare with the call's collation and keep the first of equal values.
 * group_concat skips NULLs, separates values by the separator given with each value after the first
 * (default ","; NULL means none), and is NULL when no value was added.
 *
 * count, sum, total, avg and group_concat have `inverse`, for sliding window frames; the executor
 * must remove the rows leaving a frame before adding those entering it, as SQLite does (that order
 * is what makes a one-row frame sum exactly to its row). Known differences from SQLite: when INTEGERs
 * beyond 2^53 are summed together with fractional REALs, SQLite's compensation bookkeeping can leave
 * the last digits different (about 1 group in 10,000 of the differential tests' adversarial mixes);
 * and in windows, SQLite's group_concat mis-cuts the text when separators of different lengths are
 * used, which is not reproduced.
 */
import { BINARY, type Collation, NOCASE, RTRIM } from '../record/compare.js';
import type { Int64 } from '../record/int64.js';
import { type SqlValue, ValueType, decodeUtf8 } from '../record/value.js';
import { convertedType, numericValue } from '../value/affinity.js';
import type { Args, Result } from '../value/args.js';
import { compareText, compareValues } from '../value/compare.js';
import type { Aggregate, FunctionContext } from './types.js';

const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;
const TWO_52 = 4503599627370496;

/** count(*): the number of rows. */
export function countStar(): Aggregate {
  let n = 0;
  return {
    step: () => void n++,
    inverse: () => void n--,
    value: (r) => r.int(n),
    final: (r) => r.int(n),
  };
}

/** count(X): the number of rows where X is not NULL. */
export function countValues(): Aggregate {
  let n = 0;
  return {
    step: (a) => {
      if (a.type(0) !== ValueType.Null) n++;
    },
    inverse: (a) => {
      if (a.type(0) !== ValueType.Null) n--;
    },
    value: (r) => r.int(n),
    final: (r) => r.int(n),
  };
}

const SUM = 0;
const TOTAL = 1;
const AVG = 2;

/** The running state shared by sum, total and avg. */
class Summation implements Aggregate {
  private count = 0;
  /** Exact sum while `approx` is false. */
  private exact: Int64 = 0;
  /** Summing in doubles: `real + err` is the sum. */
  private approx = false;
  private overflow = false;
  private real = 0;
  private err = 0;

  constructor(private readonly kind: number) {}

  /** Adds a double with Kahan–Babuška–Neumaier compensation. */
  private addReal(r: number): void {
    const s = this.real;
    const t = s + r;
    if (Math.abs(s) > Math.abs(r)) this.err += s - t + r;
    else this.err += r - t + s;
    this.real = t;
  }

  /** Adds an INTEGER in doubles, in two parts when it is too big for a double's precision. */
  private addIntAsReal(v: Int64): void {
    if (typeof v === 'number' && v > -TWO_52 && v < TWO_52) return this.addReal(v);
    const big = BigInt(v);
    const small = big % 16384n;
    this.addReal(Number(big - small));
    this.addReal(Number(small));
  }

  /** Switches from exact INTEGER summing to doubles, carrying the sum so far. */
  private toApprox(): void {
    this.approx = true;
    this.real = 0;
    this.err = 0;
    this.addIntAsReal(this.exact);
  }

  /** Reads argument 0 as sum() does: its numeric type, and its value. */
  private read(args: Args): SqlValue {
    const v = numericValue(args.type(0), args.raw(0));
    numericType = convertedType;
    return v;
  }

  step(args: Args): void {
    const v = this.read(args);
    const t = numericType;
    if (t === ValueType.Null) return;
    this.count++;
    if (t !== ValueType.Integer) {
      if (!this.approx) this.toApprox();
      this.overflow = false;
      this.addReal(t === ValueType.Real ? (v as number) : args.real(0));
      return;
    }
    const i = v as Int64;
    if (this.approx) return this.addIntAsReal(i);
    const s = this.exact;
    if (typeof s === 'number' && typeof i === 'number' && Number.isSafeInteger(s + i)) {
      this.exact = s + i;
      return;
    }
    const big = BigInt(s) + BigInt(i);
    if (big >= INT64_MIN && big <= INT64_MAX) {
      this.exact = big >= -9007199254740991n && big <= 9007199254740991n ? Number(big) : big;
      return;
    }
    this.overflow = true;
    this.toApprox();
    this.addIntAsReal(i);
  }

  inverse(args: Args): void {
    const v = this.read(args);
    const t = numericType;
    if (t === ValueType.Null) return;
    this.count--;
    if (!this.approx && t === ValueType.Integer) {
      const s = this.exact;
      if (typeof s === 'number' && typeof v === 'number' && Number.isSafeInteger(s - v)) {
        this.exact = s - v;
        return;
      }
      const big = BigInt(s) - BigInt(v as Int64);
      this.exact = big >= -9007199254740991n && big <= 9007199254740991n ? Number(big) : BigInt.asIntN(64, big);
    } else if (t === ValueType.Integer) {
      const neg = -BigInt(v as Int64);
      this.addIntAsReal(neg >= -9007199254740991n && neg <= 9007199254740991n ? Number(neg) : neg);
    } else {
      this.addReal(-(t === ValueType.Real ? (v as number) : args.real(0)));
    }
  }

  /** The double sum: the compensation is dropped when it is not finite. */
  private realSum(): number {
    return Number.isFinite(this.err) ? this.real + this.err : this.real;
  }

  value(r: Result): void {
    this.final(r);
  }

  final(r: Result): void {
    if (this.kind === TOTAL) return r.real(this.approx ? this.realSum() : Number(this.exact));
    if (this.count === 0) return r.null();
    if (this.kind === AVG) return r.real((this.approx ? this.realSum() : Number(this.exact)) / this.count);
    if (!this.approx) return r.int(this.exact);
    if (this.overflow) return r.error('integer overflow');
    r.real(this.realSum());
  }
}

/** Storage class set by `Summation.read`. */
let numericType: ValueType = ValueType.Null;

/** sum(X). */
export function sum(): Aggregate {
  return new Summation(SUM);
}

/** total(X). */
export function total(): Aggregate {
  return new Summation(TOTAL);
}

/** avg(X). */
export function avg(): Aggregate {
  return new Summation(AVG);
}

/** min(X) or max(X) over the rows. */
class Extreme implements Aggregate {
  private type: ValueType = ValueType.Null;
  private best: SqlValue = null;

  constructor(
    private readonly max: boolean,
    private readonly collation: Collation,
  ) {}

  step(args: Args): void {
    const t = args.type(0);
    if (t === ValueType.Null) return;
    const v = args.raw(0);
    if (this.type !== ValueType.Null) {
      const c = compareValues(this.type, this.best, t, v, this.collation);
      if (this.max ? c >= 0 : c <= 0) return;
    }
    this.type = t;
    this.best = t === ValueType.Blob ? (v as Uint8Array).slice() : v;
  }

  value(r: Result): void {
    this.final(r);
  }

  final(r: Result): void {
    switch (this.type) {
      case ValueType.Null:
        return r.null();
      case ValueType.Integer:
        return r.int(this.best as Int64);
      case ValueType.Real:
        return r.real(this.best as number);
      case ValueType.Text:
        return r.text(this.best as string);
      default:
        return r.blob(this.best as Uint8Array);
    }
  }
}

/** min(X) (aggregate). */
export function min(ctx: FunctionContext): Aggregate {
  return new Extreme(false, ctx.collation);
}

/** max(X) (aggregate). */
export function max(ctx: FunctionContext): Aggregate {
  return new Extreme(true, ctx.collation);
}

/**
 * group_concat(X[, SEP]) and string_agg(X, SEP), accumulated as UTF-8 bytes the way SQLite does it,
 * so that window frames behave alike. A separator precedes every value but the first since the
 * accumulator started. `inverse` cuts from the front the bytes of the removed value plus the length
 * of one separator: the one given with the first value, or, once separators of other lengths have
 * been seen, the one recorded for the next value — whether or not it was written, as in SQLite. A
 * cut that empties the accumulator starts it afresh.
 */
class Concatenation implements Aggregate {
  private bytes = new Uint8Array(64);
  private length = 0;
  private started = false;
  /** Values in the frame. */
  private count = 0;
  /** Byte length of the separator given with the first value. */
  private firstSep = 0;
  /** Once separator lengths vary: the length recorded for each value after the first, in order. */
  private seps: number[] | null = null;

  private append(b: Uint8Array): void {
    if (this.length + b.length > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + b.length));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.bytes.set(b, this.length);
    this.length += b.length;
  }

  step(args: Args): void {
    if (args.type(0) === ValueType.Null) return;
    const sep = args.count < 2 ? COMMA : args.type(1) === ValueType.Null ? NO_BYTES : args.blob(1);
    if (this.started) {
      this.append(sep);
      if (this.seps !== null || sep.length !== this.firstSep) {
        if (this.seps === null) this.seps = new Array<number>(Math.max(this.count - 1, 0)).fill(this.firstSep);
        this.seps[this.count - 1] = sep.length;
      }
    } else {
      this.firstSep = sep.length;
      this.started = true;
    }
    this.count++;
    this.append(args.blob(0));
  }

  inverse(args: Args): void {
    if (args.type(0) === ValueType.Null) return;
    let cut = args.blob(0).length;
    this.count--;
    if (this.seps !== null) {
      if (this.count > 0) cut += this.seps.shift() ?? 0;
    } else {
      cut += this.firstSep;
    }
    if (cut >= this.length) {
      this.length = 0;
      this.started = false;
    } else {
      this.bytes.copyWithin(0, cut, this.length);
      this.length -= cut;
    }
  }

  /** In a window, SQLite reports values that add up to no bytes as a single NUL character. */
  value(r: Result): void {
    if (this.count === 0) return r.null();
    r.text(this.length === 0 ? '\u0000' : decodeUtf8(this.bytes, 0, this.length));
  }

  final(r: Result): void {
    if (this.count === 0) return r.null();
    r.text(decodeUtf8(this.bytes, 0, this.length));
  }
}

const COMMA = Uint8Array.of(0x2c);
const NO_BYTES = new Uint8Array(0);

/** group_concat(X[, SEP]) and string_agg(X, SEP). */
export function groupConcat(): Aggregate {
  return new Concatenation();
}

/**
 * A key identifying a value up to equality under `coll`, for the built-in collations; null for a
 * custom collation (equality must then be tested by comparison). Numbers equal in value share a key
 * whatever their class.
 */
function distinctKey(t: ValueType, v: SqlValue, coll: Collation): string | null {
  switch (t) {
    case ValueType.Integer:
      return `n${String(v)}`;
    case ValueType.Real: {
      const r = v as number;
      if (Number.isInteger(r) && Math.abs(r) < 2 ** 63) return `n${BigInt(r)}`;
      return `r${r}`;
    }
    case ValueType.Text: {
      const s = v as string;
      if (coll === BINARY) return `t${s}`;
      if (coll === NOCASE) return `t${s.replace(/[A-Z]/g, (c) => c.toLowerCase())}`;
      if (coll === RTRIM) return `t${s.replace(/ +$/, '')}`;
      return null;
    }
    default:
      return `b${Array.from(v as Uint8Array, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  }
}

/**
 * `inner` over the distinct values of its (single) argument: NULLs and values equal (under the
 * call's collation) to one already seen are not passed on. Such aggregates have no `inverse`.
 */
export function distinct(inner: Aggregate, ctx: FunctionContext): Aggregate {
  const seen = new Set<string>();
  const custom: string[] = []; // TEXT seen under a custom collation
  return {
    step(args) {
      const t = args.type(0);
      if (t === ValueType.Null) return;
      const v = args.raw(0);
      const key = distinctKey(t, v, ctx.collation);
      if (key === null) {
        const s = v as string;
        if (custom.some((c) => compareText(ctx.collation, c, s) === 0)) return;
        custom.push(s);
      } else {
        if (seen.has(key)) return;
        seen.add(key);
      }
      inner.step(args);
    },
    value: (r) => inner.value(r),
    final: (r) => inner.final(r),
  };
}
